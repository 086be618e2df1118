"""The status ladder (``aifp_fp.status``), as values: check, scan and the API all use it."""

from __future__ import annotations

import pytest

from aifp_fp.status import Known, Settled, settled, standing
from aifp_fp.version import Version

VERSIONS = frozenset({Version((1, 0)), Version((1, 1)), Version((1, 2))})
LATEST = Version((1, 2))
BY_TEXT = {str(v): v for v in VERSIONS}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, Settled("unversioned")),
        ("1.1", Known(Version((1, 1)))),
        ("1.00", Settled("drift", ("schema_version holds '1.00', which is not a version",))),
        ("1.3", Settled("ahead")),
        ("2", Settled("ahead")),
        ("1.0.5", Settled("drift", ("version 1.0.5 is not a version the migration set knows",))),
        ("1.x", Settled("drift", ("schema_version holds '1.x', which is not a version",))),
    ],
)
def test_standing_of_a_recorded_version(text: str | None, expected: Known | Settled) -> None:
    assert standing(text, VERSIONS, LATEST, BY_TEXT) == expected


def test_standing_does_not_need_the_spelling_cache() -> None:
    assert standing("1.1", VERSIONS, LATEST, {}) == Known(Version((1, 1)))


@pytest.mark.parametrize(
    ("pending", "drifted", "status"),
    [
        (False, False, "up_to_date"),
        (True, False, "pending"),
        (False, True, "drift"),
        (True, True, "drift"),
    ],
)
def test_a_known_version_settles_drift_first_then_pending(
    pending: bool, drifted: bool, status: str
) -> None:
    assert settled(pending, drifted=drifted) == status
