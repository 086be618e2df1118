"""A small on-disk memo of drift results, so that ``check`` stays as fast as a bare version read.

Drift is a pure function of three things: the migration set's files, the
version, and the live database's catalog (``sqlite_master``'s type, name,
table and SQL text, from which SQLite itself derives every column, index and
trigger). Computing it replays the chain in memory and parses both schemas
(~0.2 s for the four AIFP databases); a process-wide cache cannot help a
command line that starts afresh each time. So the answer is remembered on disk
under a SHA-256 of those three inputs and of the tool's own code (so an
upgraded or edited tool never trusts an old answer).

The same folder remembers which migration sets had every file checked and
accepted (``plan.check_every_file``: tokenizing and splitting ~30 files is
~0.5 s of every ``up``), under the same digest of the tool's code and the
set's files; only an accepted set is remembered, so a refusal is always
computed afresh and names its file and statement.

Where: ``$AIFP_MIGRATE_CACHE_DIR``, else ``$XDG_CACHE_HOME/aifp-migrate``, else
``~/.cache/aifp-migrate``; an empty ``AIFP_MIGRATE_CACHE_DIR`` turns it off.
The cache never touches a database; a cache that cannot be read or written is
ignored (the result is then computed). It stays bounded: after a write, the
oldest answers beyond ``MAX_ENTRIES`` are deleted, and so are temporary files
a killed run left behind.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

from aifp_fp.graph import MigrationSet
from aifp_fp.recognition import AtShape, Drifted
from aifp_fp.version import Version

_FORMAT = "drift-2"
MAX_ENTRIES = 256
"""Answers kept on disk (each well under 1 kB): every database's current shape, many times over."""
_STALE_TEMPORARY_SECONDS = 3600
Recognition = AtShape | Drifted


def cache_dir() -> Path | None:
    """Return the folder of the drift cache, or None when it is turned off."""
    chosen = os.environ.get("AIFP_MIGRATE_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aifp-migrate"


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Return a digest of the tool's own modules (name, size, mtime), so edits invalidate."""
    folders = {}
    for package in ("aifp_fp", "aifp_shell"):
        module = __import__(package)
        folders[package] = Path(module.__file__ or "").parent
    return fingerprint_of(folders)


def fingerprint_of(folders: dict[str, Path]) -> str:
    """Return a digest of every module under each package folder, subpackages included."""
    digest = hashlib.sha256(_FORMAT.encode())
    for package, folder in folders.items():
        for path in sorted(folder.rglob("*.py")):
            stat = path.stat()
            name = path.relative_to(folder).as_posix()
            digest.update(f"{package}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


Catalog = tuple[tuple[str, str, str, str | None], ...]
"""``sqlite_master``'s rows (type, name, table, SQL), sorted: what a database's structure is."""


_CATALOG = "SELECT type, name, tbl_name, sql FROM {0}.sqlite_master"
_VERSION = "SELECT version FROM {0}.schema_version WHERE id = 1 LIMIT 1"


def catalog_of(conn: sqlite3.Connection) -> Catalog:
    """Return the live catalog (type, name, table, SQL) of ``main``, sorted; it only reads."""
    return _sorted_catalog(conn.execute(_CATALOG.format("main")).fetchall())


CatalogRead = tuple[list[tuple[object, ...]], object]
"""``sqlite_master``'s rows as read, in the file's order (type, name, table, SQL), and the
value ``schema_version``'s row 1 holds (None when there is no row 1)."""


def catalog_and_version(conn: sqlite3.Connection, schema: str = "main") -> CatalogRead | None:
    """Return ``sqlite_master``'s rows and what ``schema_version``'s row 1 holds (``catalog_from``
    makes the catalog of them), of ``main`` or of the attached database named ``schema``.

    None when the version's statement does not apply (no ``schema_version`` with ``id`` and
    ``version``: the caller reads the two apart). The version is only meant for a caller
    that checked the catalog lists a *table* named ``schema_version``. The two agree only
    when the caller holds a read transaction across the call, as both callers do.
    """
    # Two statements, not the version as a subquery on every catalog row: each value a row
    # carries costs a conversion to Python, and the catalog has ~30 rows (callgrind, per AIFP
    # database: scan --jobs 1 of 200 and 400 projects, 2.067 M with the subquery, 2.016 M
    # apart).
    rows = conn.execute(_CATALOG.format(schema)).fetchall()
    try:
        found = conn.execute(_VERSION.format(schema)).fetchone()
    except sqlite3.OperationalError:  # no such table or column
        return None
    return rows, None if found is None else found[0]


def catalog_from(read: CatalogRead) -> tuple[Catalog, object]:
    """Return the catalog (``catalog_of``) and the version value of a ``catalog_and_version``."""
    rows, version = read
    return _sorted_catalog(rows), version  # type: ignore[arg-type]


def _sorted_catalog(rows: list[tuple[str, str, str, str | None]]) -> Catalog:
    try:
        # Names are unique in sqlite_master, so sorting never compares a None SQL text.
        return tuple(sorted(rows))
    except TypeError:  # a catalog written with writable_schema may hold non-text values
        return tuple(sorted((str(t), str(n), str(b), s) for t, n, b, s in rows))


def drift_key(migration_set: MigrationSet, version: Version, catalog: Catalog) -> str:
    """Return the SHA-256 that names one drift result: code, set's files, version, catalog."""
    digest = hashlib.sha256(_set_digest(migration_set).encode())
    digest.update(json.dumps([str(version), list(catalog)]).encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=16)
def _set_digest(migration_set: MigrationSet) -> str:
    """Return the digest of the tool's code and a set's files (sets are immutable values)."""
    digest = hashlib.sha256(_code_fingerprint().encode())
    sources = (*migration_set.sources(), *(shape.source for shape in migration_set.shapes))
    for source in sorted(sources, key=lambda s: s.name):
        digest.update(json.dumps([source.database, source.name, source.text]).encode())
    return digest.hexdigest()


_RECALLED: dict[tuple[str, Version, Catalog], Recognition] = {}
"""Answers already read or computed in this process, by set digest, version and catalog
(a scan meets the same catalog thousands of times: no hashing or JSON for those)."""


def recall(migration_set: MigrationSet, version: Version, catalog: Catalog) -> Recognition | None:
    """Return the remembered shape or drift for these inputs, or None when not (validly) cached."""
    memo = (_set_digest(migration_set), version, catalog)
    if memo in _RECALLED:
        return _RECALLED[memo]
    found = _recall_from_disk(drift_key(migration_set, version, catalog))
    if found is not None:
        _RECALLED[memo] = found
    return found


def _recall_from_disk(key: str) -> Recognition | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        document = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("key") != key:
        return None
    lines = document.get("differences")
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        return None
    shape = document.get("shape")
    if lines:
        return Drifted(tuple(lines))
    return AtShape(shape) if shape is None or isinstance(shape, str) else None


def remember(
    migration_set: MigrationSet,
    version: Version,
    catalog: Catalog,
    recognised: Recognition,
) -> None:
    """Store the shape or drift for these inputs (atomically: a temp file renamed); errors are
    ignored."""
    _RECALLED[(_set_digest(migration_set), version, catalog)] = recognised
    document: dict[str, object]
    match recognised:
        case Drifted(differences=lines):
            document = {"differences": list(lines), "shape": None}
        case AtShape(slug=slug):
            document = {"differences": [], "shape": slug}
    _store(drift_key(migration_set, version, catalog), document)


def _store(key: str, document: dict[str, object]) -> None:
    """Write one answer under ``key`` (a temp file renamed), then prune; errors are ignored."""
    folder = cache_dir()
    if folder is None:
        return
    temporary = folder / f".{key}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"key": key, **document}), encoding="utf-8")
        os.replace(temporary, folder / f"{key}.json")
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        prune(folder)


def files_accepted(migration_set: MigrationSet) -> bool:
    """Return whether this exact set (same code, same files) was checked and accepted before."""
    folder = cache_dir()
    if folder is None:
        return False
    key = f"files-ok-{_set_digest(migration_set)}"
    try:
        return (folder / f"{key}.json").read_text(encoding="utf-8") == json.dumps({"key": key})
    except OSError:
        return False


def remember_files_accepted(migration_set: MigrationSet) -> None:
    """Note that every file of this set was checked and accepted; errors are ignored."""
    _store(f"files-ok-{_set_digest(migration_set)}", {})


def prune(folder: Path) -> None:
    """Delete the oldest answers beyond ``MAX_ENTRIES``, and temporary files older than an hour."""
    keep = MAX_ENTRIES
    answers: list[tuple[float, Path]] = []
    now = time.time()
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".json") and not entry.name.startswith("."):
                answers.append((entry.stat().st_mtime, Path(entry.path)))
            elif (
                entry.name.endswith(".tmp")
                and now - entry.stat().st_mtime > _STALE_TEMPORARY_SECONDS
            ):
                Path(entry.path).unlink(missing_ok=True)
    answers.sort()
    for _, path in answers[: max(0, len(answers) - keep)]:
        path.unlink(missing_ok=True)
