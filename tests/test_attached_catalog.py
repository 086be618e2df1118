"""``AttachedCatalogs``: scan's one connection that reads each file by attaching it."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

import pytest

from aifp_shell.schema.attached_catalog import AttachedCatalogs
from aifp_shell.schema.drift_cache import catalog_and_version
from aifp_shell.sqlite.database import connect
from tests.aifp_data import DATABASES, build_installation, damage_leaf_page


def _own_connection_read(path: Path) -> object:
    conn = connect(path, write=False, trusted=False)
    try:
        conn.execute("BEGIN")
        return catalog_and_version(conn)
    finally:
        conn.close()


def _state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_sound_file_reads_as_on_a_connection_of_its_own_and_is_left_as_it_was(
    tmp_path: Path,
) -> None:
    installation = build_installation(tmp_path / "i", rows=3)
    catalogs = AttachedCatalogs()
    try:
        for name in DATABASES:
            path = installation.path(name)
            before = _state(path.parent)
            read = catalogs.read(str(path))
            assert read is not None and read == _own_connection_read(path)
            assert read[1] == "1.0"  # the version
            assert _state(path.parent) == before  # no byte written, no -journal, -wal or -shm
    finally:
        catalogs.close()


def _damaged(folder: Path, base: Path) -> Path:
    path = folder / "damaged.db"
    path.write_bytes(base.read_bytes())
    damage_leaf_page(path)
    return path


def _garbage(folder: Path, base: Path) -> Path:
    path = folder / "garbage.db"
    path.write_bytes(b"not a database\n" * 400)
    return path


def _no_version_table(folder: Path, base: Path) -> Path:
    path = folder / "plain.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    conn.close()
    return path


def _missing(folder: Path, base: Path) -> Path:
    return folder / "missing.db"


def _a_folder(folder: Path, base: Path) -> Path:
    path = folder / "folder.db"
    path.mkdir()
    return path


@pytest.mark.parametrize("odd", [_damaged, _garbage, _no_version_table, _missing, _a_folder])
def test_a_file_out_of_the_ordinary_reads_as_none_and_the_next_one_reads(
    tmp_path: Path, odd: object
) -> None:
    installation = build_installation(tmp_path / "i", rows=3)
    sound = installation.path("project")
    folder = tmp_path / "odd"
    folder.mkdir()
    path = odd(folder, sound)  # type: ignore[operator]
    before = sorted(p.name for p in folder.iterdir())
    catalogs = AttachedCatalogs()
    try:
        assert catalogs.read(str(path)) is None
        assert sorted(p.name for p in folder.iterdir()) == before  # nothing created
        assert catalogs.read(str(sound)) == _own_connection_read(sound)
    finally:
        catalogs.close()


def test_a_busy_file_reads_as_none_at_once_and_reads_once_free(tmp_path: Path) -> None:
    """A file another connection holds exclusively is left to the caller (which waits for it
    as usual): this never waits."""
    installation = build_installation(tmp_path / "i", rows=3)
    path = installation.path("project")
    holder = sqlite3.connect(path, isolation_level=None)
    catalogs = AttachedCatalogs()
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        assert catalogs.read(str(path)) is None
        assert time.monotonic() - started < 1.0
        holder.execute("ROLLBACK")
        assert catalogs.read(str(path)) == _own_connection_read(path)
    finally:
        catalogs.close()
        holder.close()


def test_a_name_sqlite_would_read_as_uri_syntax_is_the_file_it_names(tmp_path: Path) -> None:
    """``?``, ``#``, ``%`` and spaces in a path are quoted: the file read is the one named."""
    installation = build_installation(tmp_path / "i", rows=3)
    odd = tmp_path / "a b?c#d%e" / "project.db"
    odd.parent.mkdir()
    odd.write_bytes(installation.path("project").read_bytes())
    catalogs = AttachedCatalogs()
    try:
        assert catalogs.read(str(odd)) == _own_connection_read(odd)
    finally:
        catalogs.close()


def test_a_wal_file_with_a_writer_in_the_middle_of_a_transaction_reads_its_last_commit(
    tmp_path: Path,
) -> None:
    """AIMFP keeps its databases in WAL mode and may write while a scan reads: the file is
    read as last committed, without waiting, and the writer goes on."""
    installation = build_installation(tmp_path / "i", rows=3)
    path = installation.path("project")
    writer = sqlite3.connect(path, isolation_level=None)
    catalogs = AttachedCatalogs()
    try:
        assert writer.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
        committed = _own_connection_read(path)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("CREATE TABLE by_the_writer (id INTEGER PRIMARY KEY)")
        started = time.monotonic()
        assert catalogs.read(str(path)) == committed
        assert time.monotonic() - started < 1.0
        writer.execute("COMMIT")
        after = catalogs.read(str(path))
        assert after is not None and any(row[1] == "by_the_writer" for row in after[0])
    finally:
        catalogs.close()
        writer.close()
