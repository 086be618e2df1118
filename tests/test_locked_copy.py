"""The byte copy of a rollback-journal database nothing can write (``locked_copier``):
copied in the kernel in batches, each synced to the disk and dropped from the page cache
before the next, and exactly the database's bytes."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from aifp_shell.files import backup
from aifp_shell.sqlite.whole_check import file_identity


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[tuple[Path, bytes]]:
    """A database of 512-byte pages whose size is no multiple of 4096, its write lock held."""
    path = tmp_path / "project.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA page_size = 512")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)")
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 601) "
        "INSERT INTO t (body) SELECT randomblob(300) FROM n"
    )
    assert path.stat().st_size % 4096, "the last batch must be short"
    original = path.read_bytes()
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield path, original
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def _copied_bytes(path: Path, progress: backup.ProgressCallback | None = None) -> bytes:
    copier = backup.locked_copier("project", path, file_identity(path.stat()))
    assert copier is not None
    copied = copier(datetime(2026, 12, 3, 12, 0, 0), progress).unwrap()
    try:
        return copied.temp.read_bytes()
    finally:
        copied.temp.unlink()


def test_the_copy_is_the_bytes_each_batch_synced_and_dropped_before_the_next(
    locked: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, original = locked
    monkeypatch.setattr(backup, "BACKUP_PAGES_PER_STEP", 16)  # many batches, the last one short
    done: list[tuple[str, int, int]] = []
    sync, advise = os.fdatasync, os.posix_fadvise

    def synced(fd: int) -> None:
        done.append(("sync", os.fstat(fd).st_size, 0))
        sync(fd)

    def advised(fd: int, offset: int, length: int, advice: int) -> None:
        assert advice == os.POSIX_FADV_DONTNEED
        done.append(("drop", offset, length))
        advise(fd, offset, length, advice)

    monkeypatch.setattr(os, "fdatasync", synced)
    monkeypatch.setattr(os, "posix_fadvise", advised)
    seen: list[tuple[int, int]] = []
    assert _copied_bytes(path, lambda done, total: seen.append((done, total))) == original
    assert len(seen) > 2 and seen[-1][0] == seen[-1][1] == len(original) // 4096
    batch = 16 * 4096
    expected: list[tuple[str, int, int]] = []
    for offset in range(0, len(original), batch):  # synced as far as written, then dropped
        length = min(batch, len(original) - offset)
        expected += [("sync", offset + length, 0), ("drop", offset, length)]
    assert done == expected


def test_a_disk_that_fills_mid_copy_leaves_nothing_behind(
    locked: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = locked
    monkeypatch.setattr(backup, "BACKUP_PAGES_PER_STEP", 16)
    sync = os.fdatasync
    syncs = 0

    def filling(fd: int) -> None:
        nonlocal syncs
        syncs += 1
        if syncs == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        sync(fd)

    monkeypatch.setattr(os, "fdatasync", filling)
    copier = backup.locked_copier("project", path, file_identity(path.stat()))
    assert copier is not None
    failed = copier(datetime(2026, 12, 4, 12, 0, 0), None).failure()
    assert failed.kind == "disk_full" and "cannot write the backup" in failed.detail
    assert sorted(p.name for p in path.parent.iterdir()) == ["project.db"]


def test_a_copy_stopped_mid_way_leaves_nothing_behind(
    locked: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = locked
    monkeypatch.setattr(backup, "BACKUP_PAGES_PER_STEP", 16)
    batches = 0

    def stop(_done: int, _total: int) -> None:
        nonlocal batches
        batches += 1
        if batches == 2:
            raise KeyboardInterrupt

    copier = backup.locked_copier("project", path, file_identity(path.stat()))
    assert copier is not None
    with pytest.raises(KeyboardInterrupt):
        copier(datetime(2026, 12, 4, 12, 0, 0), stop)
    assert sorted(p.name for p in path.parent.iterdir()) == ["project.db"]


def test_another_file_at_the_path_gets_no_copier(locked: tuple[Path, bytes]) -> None:
    """The caller's lock is on one file: a file renamed over it since is not copied."""
    path, _ = locked
    wanted = file_identity(path.stat())
    other = path.with_name("other.db")
    other.write_bytes(path.read_bytes())
    moved = path.with_name("moved.db")
    path.rename(moved)
    other.rename(path)
    assert backup.locked_copier("project", path, wanted) is None


def test_where_the_kernel_cannot_copy_the_bytes_are_read_and_written(
    locked: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some file systems (FUSE, some network ones) refuse ``copy_file_range``: the copy
    goes on in pieces read and written, still synced batch by batch."""
    path, original = locked
    monkeypatch.setattr(backup, "BACKUP_PAGES_PER_STEP", 16)
    monkeypatch.setattr(backup, "PIECE_BYTES", 4096 * 3)  # pieces that do not divide a batch
    refused: list[int] = []

    def refusing(*_args: object) -> int:
        refused.append(1)
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refusing)
    assert _copied_bytes(path) == original
    assert len(refused) == 1, "asked once, then read and written"
