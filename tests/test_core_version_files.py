"""Versions and migration file names: parsing, order, round trips, checksums."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from aifp_fp.errors import MalformedFileName
from aifp_fp.files import (
    ForwardStep,
    InitialSchema,
    MigrationSource,
    RollbackStep,
    checksum,
    file_name,
    normalized_text,
    parse_file,
)
from aifp_fp.version import VERSION_PATTERN, BadVersionText, Version, parse_version
from tests.strategies_core import (
    migration_files,
    source_named,
    version_tuples,
    versions,
)

# --- parse_version ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("1", (1,)),
        ("0", (0,)),
        ("1.0", (1, 0)),
        ("v1.2", (1, 2)),
        ("V3", (3,)),
        ("2.10", (2, 10)),
        ("10.0.0.1", (10, 0, 0, 1)),
    ],
)
def test_parse_version_accepts(text: str, parts: tuple[int, ...]) -> None:
    assert parse_version(text) == Success(Version(parts))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "v",
        "vv1",
        "01",
        "1.01",
        "1.00",
        "00",
        "1.",
        ".1",
        "1..2",
        "1.2a",
        "a1",
        " 1",
        "1 ",
        "1\n",
        "-1",
        "+1",
        "1,2",
        "1_0",
        "١",  # an Arabic-Indic digit is a digit to str.isdigit, not to a version
        "1.x",
    ],
)
def test_parse_version_rejects(text: str) -> None:
    assert parse_version(text) == Failure(BadVersionText(text))


@given(version_tuples, st.booleans())
def test_parse_version_reads_a_rendered_version(parts: tuple[int, ...], prefix: bool) -> None:
    text = ("v" if prefix else "") + ".".join(map(str, parts))
    assert parse_version(text) == Success(Version(parts))
    assert str(Version(parts)) == ".".join(map(str, parts))


@given(version_tuples, st.data())
def test_parse_version_rejects_a_leading_zero_anywhere(
    parts: tuple[int, ...], data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(parts) - 1))
    text = ".".join(("0" + str(part)) if i == at else str(part) for i, part in enumerate(parts))
    assert isinstance(parse_version(text), Failure)


@given(st.text(max_size=12))
def test_parse_version_accepts_exactly_the_canonical_spellings(text: str) -> None:
    canonical = re.fullmatch(r"[vV]?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*", text) is not None
    assert isinstance(parse_version(text), Success) == canonical
    if canonical:
        assert re.fullmatch(VERSION_PATTERN, text.lstrip("vV")) is not None


# --- version order -----------------------------------------------------------


@given(version_tuples, version_tuples)
def test_version_order_agrees_with_numeric_tuple_order(
    a: tuple[int, ...], b: tuple[int, ...]
) -> None:
    va, vb = Version(a), Version(b)
    assert (va < vb) == (a < b)
    assert (va == vb) == (a == b)
    assert (va > vb) == (a > b)
    assert sum((va < vb, va == vb, va > vb)) == 1  # total: exactly one holds


@given(versions, versions, versions)
def test_version_order_is_transitive(a: Version, b: Version, c: Version) -> None:
    # ordered by the oracle (tuples of ints), Version's own order must agree at every link
    low, middle, high = sorted((a, b, c), key=lambda v: v.parts)
    assert low <= middle and middle <= high and low <= high
    assert (low < high) == (low.parts < high.parts)


@given(st.lists(version_tuples, min_size=1, max_size=10))
def test_sorting_versions_sorts_by_numbers_not_text(parts: list[tuple[int, ...]]) -> None:
    ordered = sorted(Version(p) for p in parts)
    assert [v.parts for v in ordered] == sorted(parts)


def _v(text: str) -> Version:
    match parse_version(text):
        case Success(version):
            return version
    raise AssertionError(text)


@pytest.mark.parametrize(
    ("low", "high"),
    [
        ("1.9", "1.10"),
        ("1.10", "2.0"),
        ("1.2", "1.10"),
        ("1", "1.0"),
        ("1.0", "1.0.1"),
        ("9", "10"),
        ("0.99", "1"),
        ("2.9.9", "2.10"),
    ],
)
def test_version_order_examples(low: str, high: str) -> None:
    assert _v(low) < _v(high)
    assert not _v(high) < _v(low)
    assert _v(low) != _v(high)


# --- file names --------------------------------------------------------------


@given(migration_files)
def test_parse_file_of_file_name_gives_the_file_back(file: object) -> None:
    # forward steps, rollbacks and initial schemas, with and without a slug
    assert isinstance(file, ForwardStep | RollbackStep | InitialSchema)
    assert file_name(file) == file.source.name
    assert parse_file(file.source) == Success(file)
    match file:
        case ForwardStep(from_version=low, to_version=high):
            assert low < high
            assert not file_name(file).startswith("rollback/")
        case RollbackStep(from_version=high, to_version=low):
            assert low < high
            assert file_name(file).startswith("rollback/v")
        case InitialSchema(version=version):
            assert file_name(file) == f"v{version}_initial_schema.sql"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("v1.0_to_v1.1.sql", ForwardStep),
        ("v1.0_to_v1.1_git_integration.sql", ForwardStep),
        ("v1_to_v2_beta-2.sql", ForwardStep),
        ("v1.9_to_v1.10.sql", ForwardStep),
        ("v1.0_to_v1.1_initial_schema.sql", ForwardStep),
        ("rollback/v1.1_to_v1.0.sql", RollbackStep),
        ("rollback/v2.10_to_v2.9_undo.sql", RollbackStep),
        ("v1.0_initial_schema.sql", InitialSchema),
    ],
)
def test_well_formed_names(name: str, expected: type) -> None:
    parsed = parse_file(source_named(name))
    assert isinstance(parsed, Success)
    assert isinstance(parsed.unwrap(), expected)
    assert file_name(parsed.unwrap()) == name


def test_forward_step_name_gives_versions_and_slug() -> None:
    source = source_named("v1.9_to_v1.10_add_notes.sql")
    assert parse_file(source) == Success(ForwardStep(source, _v("1.9"), _v("1.10"), "add_notes"))


def test_rollback_name_gives_versions_from_high_to_low() -> None:
    source = source_named("rollback/v1.10_to_v1.9.sql")
    assert parse_file(source) == Success(RollbackStep(source, _v("1.10"), _v("1.9"), None))


@pytest.mark.parametrize(
    "name",
    [
        "v1_to_v1.sql",
        "v1.0-to-v1.1.sql",
        "v01.0_to_v1.1.sql",
        "v1.0_to_v01.1.sql",
        "notes.sql",
        "v2.0_to_v1.0.sql",
        "rollback/v1.0_to_v1.1.sql",
        "rollback/v1.0_to_v1.0.sql",
        "rollback/v1.0_initial_schema.sql",
        "other/v1.0_to_v1.1.sql",
        "rollback/extra/v1.1_to_v1.0.sql",
        "v1.0_to_v1.1_.sql",
        "v1.0_to_v1.1__x.sql",
        "v1.0_to_v1.1_a b.sql",
        "v1.0_to_v1.1.SQL",
        "v1.0_to_v1.1",
        "V1.0_to_v1.1.sql",
        "v1.0_initial_schema_x.sql",
        "v01_initial_schema.sql",
        "initial_schema.sql",
        "",
    ],
)
def test_malformed_names_are_refused_naming_the_file(name: str) -> None:
    source = MigrationSource("project", name, f"migrations/project/{name}", "SELECT 1;")
    parsed = parse_file(source)
    assert isinstance(parsed, Failure)
    error = parsed.failure()
    assert isinstance(error, MalformedFileName)
    assert error.file == f"migrations/project/{name}"
    assert error.database == "project"
    assert error.reason


@given(versions, versions)
def test_forward_name_parses_only_when_it_goes_up(a: Version, b: Version) -> None:
    forward = parse_file(source_named(f"v{a}_to_v{b}.sql"))
    rollback = parse_file(source_named(f"rollback/v{a}_to_v{b}.sql"))
    assert isinstance(forward, Success) == (a < b)
    assert isinstance(rollback, Success) == (a > b)


# --- checksums ---------------------------------------------------------------

_line_text = st.text(st.characters(exclude_characters="\r\n"), max_size=20)
_plain_text = st.text(st.characters(exclude_characters="\r\ufeff"), max_size=60)


def test_checksum_is_the_sha256_of_the_utf8_text() -> None:
    assert checksum("abc") == hashlib.sha256(b"abc").hexdigest()
    assert checksum("é\n") == hashlib.sha256("é\n".encode()).hexdigest()


@given(_plain_text)
def test_checksum_ignores_a_leading_bom(text: str) -> None:
    assert checksum("\ufeff" + text) == checksum(text)


@given(st.lists(_line_text, max_size=6), st.sampled_from(["\r\n", "\r"]), st.booleans())
def test_checksum_ignores_line_endings(lines: list[str], ending: str, bom: bool) -> None:
    unix = "".join(line + "\n" for line in lines)
    windows = ("\ufeff" if bom else "") + "".join(line + ending for line in lines)
    assert checksum(windows) == checksum(unix)
    assert normalized_text(windows) == normalized_text(unix)


def test_checksum_ignores_mixed_line_endings() -> None:
    assert checksum("a\r\nb\rc\nd\r\n") == checksum("a\nb\nc\nd\n")


@given(_plain_text, st.data())
def test_checksum_sees_any_other_change(text: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(text)))
    edit = data.draw(st.sampled_from(["insert", "delete", "replace"]))
    char = data.draw(st.characters(exclude_characters="\r\ufeff"))
    if edit == "insert":
        changed = text[:at] + char + text[at:]
    elif edit == "delete":
        changed = text[:at] + text[at + 1 :]
    else:
        changed = text[:at] + char + text[at + 1 :]
    if changed != text:
        assert checksum(changed) != checksum(text)
    else:
        assert checksum(changed) == checksum(text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("SELECT 1;", "SELECT 1; "),
        ("SELECT 1;\n", "SELECT 1;\n\n"),
        ("SELECT 1;", "select 1;"),
        ("a\tb", "a b"),
        ("\ufeff\ufeffx", "x"),  # only one leading BOM is a BOM
        ("x\ufeff", "x"),
    ],
)
def test_checksum_examples_that_differ(a: str, b: str) -> None:
    assert checksum(a) != checksum(b)
