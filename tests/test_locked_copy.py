"""The byte copy of a rollback-journal database whose write lock is held (``locked_copier``):
written past the page cache where the file system allows it, else in the kernel, and in
either case exactly the database's bytes."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from aifp_shell.files import backup


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
    assert path.stat().st_size % backup.DIRECT_ALIGNMENT, "the size must need a padded tail"
    original = path.read_bytes()
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield path, original
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def _direct_io_taken(folder: Path) -> bool:
    probe = folder / "probe"
    probe.touch()
    try:
        os.close(os.open(probe, os.O_WRONLY | getattr(os, "O_DIRECT", 0)))
    except OSError as error:
        if error.errno == errno.EINVAL:
            return False
        raise
    finally:
        probe.unlink()
    return hasattr(os, "O_DIRECT")


def _copied_bytes(path: Path, progress: backup.ProgressCallback | None = None) -> bytes:
    copier = backup.locked_copier("project", path)
    assert copier is not None
    copied = copier(datetime(2026, 12, 3, 12, 0, 0), progress).unwrap()
    try:
        return copied.temp.read_bytes()
    finally:
        copied.temp.unlink()


def test_a_direct_copy_is_the_bytes_even_with_a_padded_tail(
    locked: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, original = locked
    if not _direct_io_taken(path.parent):
        pytest.skip("this file system takes no O_DIRECT writes")

    def not_in_kernel(*_args: object) -> None:
        raise AssertionError("the copy went through the page cache")

    monkeypatch.setattr(backup, "_copied_in_kernel", not_in_kernel)
    monkeypatch.setattr(backup, "BACKUP_PAGES_PER_STEP", 16)  # many batches, the last one short
    seen: list[tuple[int, int]] = []
    assert _copied_bytes(path, lambda done, total: seen.append((done, total))) == original
    assert len(seen) > 2 and seen[-1][0] == seen[-1][1] == len(original) // 4096


def test_without_direct_io_the_kernel_copies_the_bytes(
    locked: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, original = locked
    monkeypatch.delattr(os, "O_DIRECT", raising=False)
    assert _copied_bytes(path) == original


def test_a_file_system_refusing_aligned_direct_writes_gets_the_kernel_copy(
    locked: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some disks need a larger alignment: the first write says EINVAL, and the copy starts
    again through the kernel, from an empty file."""
    path, original = locked
    if not _direct_io_taken(path.parent):
        pytest.skip("this file system takes no O_DIRECT writes")
    real_pwrite = os.pwrite

    def refusing(fd: int, data: bytes, offset: int) -> int:
        if os.fstat(fd).st_size == 0 and offset == 0:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", refusing)
    assert _copied_bytes(path) == original


def test_a_disk_refusing_the_padded_tail_gets_the_kernel_copy_from_the_start(
    locked: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk whose blocks are larger than the alignment takes the whole writes and refuses
    the padded last one: the copy starts again through the kernel, truncating what the
    direct writes left."""
    path, original = locked
    if not _direct_io_taken(path.parent):
        pytest.skip("this file system takes no O_DIRECT writes")
    monkeypatch.setattr(backup, "BACKUP_PAGES_PER_STEP", 16)  # direct writes before the tail
    real_pwrite = os.pwrite
    refused: list[int] = []

    def refusing_the_tail(fd: int, data: bytes, offset: int) -> int:
        if offset + len(data) > len(original):
            refused.append(offset)
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", refusing_the_tail)
    assert _copied_bytes(path) == original
    assert refused and refused[0] > 0, "the refused write must come after direct ones"
