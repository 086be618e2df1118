"""Schema versions: dot-separated integers compared as numbers (1.10 > 1.9)."""

from __future__ import annotations

import re

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.value import Value

_VERSION = re.compile(r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*")


@attrs.frozen(order=True, slots=True, repr=False)
class Version(Value):
    """A schema version; ordering is numeric, part by part."""

    parts: tuple[int, ...]

    def __str__(self) -> str:
        return ".".join(str(part) for part in self.parts)


@attrs.frozen(slots=True, repr=False)
class BadVersionText(Value):
    """A text that is not a version such as ``1.0`` or ``2.10``."""

    text: str


def parse_version(text: str) -> Result[Version, BadVersionText]:
    """Return the version a text such as ``"1.10"`` names, or why it names none.

    A leading ``v`` is accepted (``v1.2``); leading zeros are not, so that every
    version has exactly one spelling.
    """
    candidate = text[1:] if text[:1] in ("v", "V") else text
    if _VERSION.fullmatch(candidate) is None:
        return Failure(BadVersionText(text))
    return Success(Version(tuple(int(part) for part in candidate.split("."))))


VERSION_PATTERN = r"(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))*"
"""The regular expression of a version's text, for file-name grammars."""
