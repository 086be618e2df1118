"""Migration files: names parsed into forward steps, rollbacks and initial schemas."""

from __future__ import annotations

import hashlib
import re
from typing import TypeAlias

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.errors import MalformedFileName
from aifp_fp.value import Value
from aifp_fp.version import VERSION_PATTERN, Version, parse_version

ROLLBACK_FOLDER = "rollback"
SHAPES_FOLDER = "shapes"
"""Below a database's folder: whole schemas of published shapes, for recognition only."""

_SLUG = r"[A-Za-z0-9][A-Za-z0-9_-]*"
_STEP = re.compile(rf"v({VERSION_PATTERN})_to_v({VERSION_PATTERN})(?:_({_SLUG}))?\.sql")
_INITIAL = re.compile(rf"v({VERSION_PATTERN})_initial_schema\.sql")
_SHAPE = re.compile(rf"v({VERSION_PATTERN})_({_SLUG})\.sql")


@attrs.frozen(slots=True, repr=False)
class MigrationSource(Value):
    """A migration file as read: its database, its name in the folder, and its text.

    ``name`` is relative to the database's folder (``v1.0_to_v1.1.sql`` or
    ``rollback/v1.1_to_v1.0.sql``); ``display`` is how messages name it.
    """

    database: str
    name: str
    display: str
    text: str


@attrs.frozen(slots=True, repr=False)
class ForwardStep(Value):
    """``v<A>_to_v<B>[_slug].sql``: takes a database from A up to B."""

    source: MigrationSource
    from_version: Version
    to_version: Version
    slug: str | None


@attrs.frozen(slots=True, repr=False)
class RollbackStep(Value):
    """``rollback/v<B>_to_v<A>[_slug].sql``: the hand-written inverse of step A to B."""

    source: MigrationSource
    from_version: Version
    to_version: Version
    slug: str | None


@attrs.frozen(slots=True, repr=False)
class InitialSchema(Value):
    """``v<V>_initial_schema.sql``: the whole schema at V, for a new database."""

    source: MigrationSource
    version: Version


@attrs.frozen(slots=True, repr=False)
class PublishedShape(Value):
    """``shapes/v<V>_<slug>.sql``: the whole schema of a shape V was published in.

    Never run on a database: a database whose structure is any published shape
    of its version is recognised as being at that version (not drifted).
    """

    source: MigrationSource
    version: Version
    slug: str


MigrationFile: TypeAlias = ForwardStep | RollbackStep | InitialSchema | PublishedShape


def _version(text: str) -> Version:
    parsed: Version = parse_version(text).value_or(Version(()))
    assert parsed.parts, text  # the file-name grammar only lets versions through
    return parsed


def parse_file(source: MigrationSource) -> Result[MigrationFile, MalformedFileName]:
    """Return what a migration file is, from its name, or why its name is malformed."""
    folder, _, base = source.name.rpartition("/")

    def malformed(reason: str) -> Result[MigrationFile, MalformedFileName]:
        return Failure(MalformedFileName(source.database, source.display, reason))

    if folder == SHAPES_FOLDER:
        shape = _SHAPE.fullmatch(base)
        if shape is None or _STEP.fullmatch(base) or _INITIAL.fullmatch(base):
            return malformed(f"a published shape is {SHAPES_FOLDER}/v<V>_<slug>.sql")
        return Success(PublishedShape(source, _version(shape.group(1)), shape.group(2)))
    if folder not in ("", ROLLBACK_FOLDER):
        return malformed(
            f"only {ROLLBACK_FOLDER}/ and {SHAPES_FOLDER}/ may hold files below a database"
        )
    if (initial := _INITIAL.fullmatch(base)) is not None:
        if folder:
            return malformed("an initial schema does not belong in rollback/")
        return Success(InitialSchema(source, _version(initial.group(1))))
    step = _STEP.fullmatch(base)
    if step is None:
        return malformed(
            "expected v<A>_to_v<B>[_<slug>].sql or v<V>_initial_schema.sql, "
            "with versions such as 1.0 or 2.10"
        )
    first, second, slug = _version(step.group(1)), _version(step.group(2)), step.group(3)
    if folder:
        if not second < first:
            return malformed("a rollback goes down: rollback/v<B>_to_v<A> needs B > A")
        return Success(RollbackStep(source, first, second, slug))
    if not first < second:
        return malformed("a forward step goes up: v<A>_to_v<B> needs A < B")
    return Success(ForwardStep(source, first, second, slug))


def file_name(file: MigrationFile) -> str:
    """Return the name (relative to the database folder) that ``parse_file`` reads as ``file``."""
    match file:
        case InitialSchema(version=version):
            return f"v{version}_initial_schema.sql"
        case ForwardStep(from_version=a, to_version=b, slug=slug):
            return f"v{a}_to_v{b}" + (f"_{slug}" if slug else "") + ".sql"
        case RollbackStep(from_version=b, to_version=a, slug=slug):
            return f"{ROLLBACK_FOLDER}/v{b}_to_v{a}" + (f"_{slug}" if slug else "") + ".sql"
        case PublishedShape(version=version, slug=slug):
            return f"{SHAPES_FOLDER}/v{version}_{slug}.sql"


def normalized_text(text: str) -> str:
    """Return a file's text with a leading BOM removed and line endings made LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def checksum(text: str) -> str:
    """Return the hex SHA-256 of a file's text, BOM and CRLF/CR line endings normalized."""
    return hashlib.sha256(normalized_text(text).encode("utf-8", "surrogatepass")).hexdigest()
