"""A database's status, from what was read of it: the one ladder of check, scan and the API.

The shell reads a database's recorded version (``schema_version``), then asks
``standing`` where that version stands against the migration set: not
recorded, not a version, newer than any, unknown, or known. Only for a known
version does the shell plan the steps up and measure drift; ``settled`` then
gives the status from those two answers.
"""

from __future__ import annotations

from typing import Literal

import attrs

from aifp_fp.value import Value
from aifp_fp.version import Version, parse_version

Status = Literal[
    "up_to_date",
    "pending",
    "missing",
    "ahead",
    "unversioned",
    "drift",
    "migrations_invalid",
    "corrupt",
    "unreadable",
]
"""``check``'s statuses; ``scan`` adds ``corrupt`` and ``unreadable`` for files it cannot trust.

``migrations_invalid`` is the migration set's fault, not the database's: the
set for it cannot be used (a misnamed or duplicate file, a missing folder), so
nothing about the database is measured beyond the version it records."""

HEALTHY: frozenset[Status] = frozenset({"up_to_date", "pending", "missing"})
"""The statuses of a database that ``up`` can migrate as it is."""


@attrs.frozen(slots=True, repr=False)
class Known(Value):
    """The recorded version is one the migration set names: plan and measure drift next."""

    version: Version


@attrs.frozen(slots=True, repr=False)
class Settled(Value):
    """The recorded version alone decides the status (and why, for drift)."""

    status: Status
    differences: tuple[str, ...] = ()


def standing(
    text: str | None, versions: frozenset[Version], latest: Version, by_text: dict[str, Version]
) -> Known | Settled:
    """Return where the recorded version ``text`` stands against a set's ``versions``.

    ``by_text`` maps the usual spelling of each known version to it (a cache:
    most databases sit at a handful of versions).
    """
    if text is None:
        return Settled("unversioned")
    version = by_text.get(text)
    if version is not None:
        return Known(version)
    parsed = parse_version(text).value_or(None)
    if parsed is None:
        return Settled("drift", (f"schema_version holds {text!r}, which is not a version",))
    if parsed > latest:
        return Settled("ahead")
    if parsed not in versions:
        return Settled("drift", (f"version {text} is not a version the migration set knows",))
    return Known(parsed)


def settled(pending: bool, *, drifted: bool) -> Status:
    """Return the status of a database at a known version: drift first, then pending."""
    if drifted:
        return "drift"
    return "pending" if pending else "up_to_date"
