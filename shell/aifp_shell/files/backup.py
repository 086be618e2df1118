"""Consistent backups written safely beside the database: SQLite's online backup API, or the
bytes of a rollback-journal database whose write lock is held."""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import sqlite3
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.value import Value
from aifp_shell.files.retention import REPLACED_SUFFIX
from aifp_shell.files.safe_io import discard, fsync_path
from aifp_shell.problems import Environment
from aifp_shell.sqlite.database import connect, error_kind
from aifp_shell.sqlite.whole_check import file_identity

BACKUP_PAGES_PER_STEP = 8192
"""Pages copied per backup step: large enough to be fast, small enough for a progress bar."""

ProgressCallback = Callable[[int, int], None]
"""Called with (pages copied, total pages) while a backup runs."""


def backup_name(database_file: Path, now: datetime) -> str:
    """Return ``<db>.backup_<YYYYmmdd_HHMMSS>`` for a database file and a moment."""
    return f"{database_file.name}.backup_{now:%Y%m%d_%H%M%S}"


def _link_final(temp: Path, folder: Path, base: str, suffix: str) -> Path:
    """Hard-link the finished backup to the first free name: base, base_2, base_3, ... + suffix.

    A number is taken by a backup of either kind (``…_2`` or ``…_2_replaced``), so
    the numbers of one second follow the order the backups were made in, which is
    the order retention sorts them by.
    """
    for attempt in range(1, 1000):
        stem = base if attempt == 1 else f"{base}_{attempt}"
        if any((folder / (stem + kind)).exists() for kind in ("", REPLACED_SUFFIX)):
            continue
        final = folder / (stem + suffix)
        try:
            os.link(temp, final, follow_symlinks=False)
        except FileExistsError:
            continue
        return final
    raise FileExistsError(errno.EEXIST, "no free backup name", str(folder / base))


def _os_problem(database: str, path: Path, error: OSError) -> Environment:
    kind = {
        errno.ENOSPC: "disk_full",
        errno.EDQUOT: "disk_full",
        errno.EACCES: "read_only",
        errno.EPERM: "read_only",
        errno.EROFS: "read_only",
    }.get(error.errno or 0, "io")
    return Environment(database, str(path), kind, f"cannot write the backup: {error.strerror}")


def _publish(
    temp: Path, real: Path, now: datetime, replaced: bool, linked: list[Path] | None = None
) -> Path:
    """fsync a finished backup, give it the database's mode, link it under its name; the name.

    ``linked`` gets the name as soon as it exists, so that a caller stopped by
    Ctrl-C before this returns (the folder's fsync takes a while) knows it.
    """
    fsync_path(temp)
    os.chmod(temp, stat.S_IMODE(real.stat().st_mode))
    final = _link_final(
        temp, real.parent, backup_name(real, now), REPLACED_SUFFIX if replaced else ""
    )
    if linked is not None:
        linked.append(final)
    os.unlink(temp)
    fsync_path(real.parent)
    return final


def exclusive_temp(real: Path, label: str = "backup") -> Path:
    """Return a new empty hidden file (0600, never through a link) beside a database file.

    ``real`` is the database file with its links resolved; the name is
    ``.<db>.<label>-tmp-<pid>-<random>``. The hidden files a killed run left
    beside it are removed first (``discard_stale_temps``). Raises ``OSError``.
    """
    discard_stale_temps(real)
    temp = real.parent / f"{own_temp_prefix(real, label)}{secrets.token_hex(4)}"
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_WRONLY, 0o600)
    os.close(fd)
    return temp


def own_temp_prefix(real: Path, label: str = "backup") -> str:
    """Return how the names of this process's hidden ``label`` files beside ``real`` begin."""
    return f".{real.name}.{label}-tmp-{os.getpid()}-"


def discard_stale_temps(real: Path) -> list[Path]:
    """Remove the hidden files of ``exclusive_temp`` beside ``real`` whose process is gone;
    return them.

    Only a run killed outright (kill -9, power loss) leaves one: a backup's
    copy, the copy quick_checked beside the steps, a restore's staging file,
    each the size of the database. The pid in the name says whose it is; a
    process still running (ours or another user's, or one that reused the pid)
    keeps its file. Errors are ignored: the next run tries again.
    """
    prefix = f".{real.name}."
    removed: list[Path] = []
    try:
        names = os.listdir(real.parent)
    except OSError:
        return removed
    for name in names:
        if not name.startswith(prefix) or name.endswith("-journal"):
            continue
        parts = name[len(prefix) :].split("-tmp-")
        pid = parts[1].split("-")[0] if len(parts) == 2 else ""
        if not pid.isdigit() or _running(int(pid)):
            continue
        discard(real.parent / name)
        removed.append(real.parent / name)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: another user's process
        return True
    return True


def copy_damaged_file(
    database: str, database_file: Path, now: datetime
) -> Result[Path, Environment]:
    """Return the path of a byte-for-byte copy of a damaged database (a ``…_replaced`` backup).

    Only for a database SQLite's backup API cannot read: the file's bytes (and
    its ``-wal``'s, beside the copy) as they are, written and named like any
    backup. Call it while this process holds no SQLite lock on the database:
    closing a second descriptor of the file drops the process's POSIX locks.
    """
    real = database_file.resolve()
    try:
        temp = exclusive_temp(real)
    except OSError as error:
        return Failure(_os_problem(database, real, error))
    wal = real.with_name(real.name + "-wal")
    try:
        shutil.copyfile(real, temp)
        final = _publish(temp, real, now, replaced=True)
    except OSError as error:
        discard(temp)
        return Failure(_os_problem(database, real, error))
    if wal.exists():
        final_wal = final.with_name(final.name + "-wal")
        try:
            shutil.copyfile(wal, final_wal)
            fsync_path(final_wal)
        except OSError as error:
            discard(final_wal)
            return Failure(_os_problem(database, real, error))
    return Success(final)


def make_backup(
    database: str,
    database_file: Path,
    now: datetime,
    progress: ProgressCallback | None = None,
    *,
    replaced: bool = False,
) -> Result[Path, Environment]:
    """Return the path of a complete, consistent backup of a database, or why none was made.

    The copy is taken through a second, read-only connection with SQLite's
    backup API (so it holds exactly the committed state even while the caller
    holds the write lock), into an exclusively created hidden file beside the
    database (symlinks resolved), fsynced, given the database's permissions,
    and only then linked under its final name (never replacing a file there).
    A failed backup leaves nothing behind, and so does one that ``progress``
    stops by raising. ``replaced``: the backup ``restore`` takes of the state
    it is about to replace, named ``…_replaced``.
    """

    def fill(real: Path, temp: Path) -> None:
        source = connect(real, write=False)
        try:
            target = sqlite3.connect(temp, isolation_level=None)
            try:
                if progress is None:
                    source.backup(target)
                else:
                    source.backup(
                        target,
                        pages=BACKUP_PAGES_PER_STEP,
                        progress=lambda _status, remaining, total: progress(
                            total - remaining, total
                        ),
                    )
            finally:
                target.close()
        finally:
            source.close()

    return _written(database, database_file, now, fill, replaced)


@attrs.frozen(slots=True, repr=False)
class Copied(Value):
    """The bytes of a database, copied into a hidden file beside it: complete, but not yet
    fsynced nor named (``publish_copy``)."""

    database: str
    real: Path
    """The database file, links resolved."""
    temp: Path
    """The hidden file holding the copy (``exclusive_temp``)."""
    now: datetime
    """The moment the copy was taken: its name's time."""


def publish_copy(copied: Copied) -> Result[Path, Environment]:
    """Return the backup a finished copy becomes, or why it cannot be one (then none is made).

    The copy is fsynced, given the database's mode and linked under its name,
    as ``make_backup``'s backups are, and the folder fsynced. The hidden file
    keeps its name too, for whoever still reads it: ``discard`` it after.
    """
    final: Path | None = None
    try:
        fsync_path(copied.temp)
        os.chmod(copied.temp, stat.S_IMODE(copied.real.stat().st_mode))
        final = _link_final(
            copied.temp, copied.real.parent, backup_name(copied.real, copied.now), ""
        )
        fsync_path(copied.real.parent)
    except OSError as error:
        if final is not None:
            discard(final)
        return Failure(_os_problem(copied.database, copied.real, error))
    return Success(final)


LockedCopy = Callable[[datetime, "ProgressCallback | None"], Result[Copied, Environment]]
"""Given the moment and a progress callback, copies the database's bytes: see ``Copied``."""


def locked_copier(database: str, database_file: Path, file: tuple[int, int]) -> LockedCopy | None:
    """Return how to copy a rollback-journal database that nothing can write: its bytes.

    The caller holds a read transaction on ``file`` (the ``file_identity`` of the
    database file it locked) and keeps it until the copy ends: while it lasts no
    connection can write the file, and no hot journal can exist, so the bytes are
    the committed state. The bytes are read from a descriptor SQLite itself
    opened on the file (found in ``/proc/self/fd`` now, and never closed here:
    closing any descriptor of the file in this process would drop SQLite's
    POSIX locks; SQLite closes one of a connection closed meanwhile only once
    this process holds no lock on the file)
    into an exclusively created hidden file beside the database, copied in the
    kernel and synced to the disk as it goes (``_copied_in_kernel``). The copy is not yet a
    backup: ``publish_copy`` makes it one before the first COMMIT, and the
    hidden file is ``discard``-ed in any case. A failed or stopped copy leaves
    nothing behind. None when there is no such descriptor (not Linux, or no
    open connection), or the file at ``database_file`` is not ``file`` any more.
    """
    real = database_file.resolve()
    try:
        wanted = real.stat()
    except OSError:
        return None
    if file_identity(wanted) != file:
        return None
    descriptor = _open_descriptor(real, wanted)
    if descriptor is None:
        return None

    def copy(now: datetime, progress: ProgressCallback | None) -> Result[Copied, Environment]:
        try:
            temp = exclusive_temp(real)
        except OSError as error:
            return Failure(_os_problem(database, real, error))
        try:
            _copied_in_kernel(descriptor, temp, wanted.st_size, progress)
            if not _same_file(descriptor, wanted):
                raise OSError(errno.EIO, "the database's descriptor changed during the copy")
        except OSError as error:
            discard(temp)
            return Failure(_os_problem(database, real, error))
        except BaseException:  # stopped (Ctrl-C through ``progress``): leave nothing behind
            discard(temp)
            raise
        return Success(Copied(database, real, temp, now))

    return copy


_NO_KERNEL_COPY = (errno.EXDEV, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL)
"""What ``os.copy_file_range`` answers where the kernel or the file system cannot copy."""
PIECE_BYTES = 1 << 20
"""What a copy the kernel cannot make moves per read and write, in memory the run keeps."""


def _copied_in_kernel(
    descriptor: int, temp: Path, total: int, progress: ProgressCallback | None
) -> None:
    """Copy ``total`` bytes from ``descriptor`` to ``temp`` in the kernel
    (``os.copy_file_range``; read and written in pieces where the kernel or the file
    system refuses it), each batch written to the disk (``fdatasync``) and dropped from
    the page cache before the next.

    Synced as it goes, the disk writes the copy while it is made: fsynced only
    at the end, a 331 MB copy written past the cache (``O_DIRECT``) then
    waited 0.40-0.50 s for the disk, and took 0.64-0.86 s in all against
    0.61-0.73 s synced in 32 MiB batches. And the copy never holds more than a
    batch of the page cache, so it neither waits for memory the cache must free
    first (a copy through the cache synced only at the end took 0.1 s or 0.9 s
    by the cache's state) nor pushes the user's cached files out. The bytes are
    read from the cache through ``descriptor``.
    """
    chunk = BACKUP_PAGES_PER_STEP * 4096
    out = os.open(temp, os.O_WRONLY | os.O_NOFOLLOW | os.O_TRUNC)
    try:
        done = 0
        in_kernel = True
        while done < total:
            length = min(chunk, total - done)
            copied = 0
            if in_kernel:
                try:
                    copied = os.copy_file_range(descriptor, out, length, done, done)
                except OSError as error:
                    if error.errno not in _NO_KERNEL_COPY:
                        raise
                    in_kernel = False
            if not in_kernel:
                copied = _read_written(descriptor, out, length, done)
            if copied == 0:
                raise OSError(errno.EIO, "the database ended before its size")
            os.fdatasync(out)
            os.posix_fadvise(out, done, copied, os.POSIX_FADV_DONTNEED)
            done += copied
            if progress is not None:
                progress(done // 4096, total // 4096)
    finally:
        os.close(out)


def _read_written(descriptor: int, out: int, length: int, offset: int) -> int:
    """Return how many of ``length`` bytes at ``offset`` were read from ``descriptor`` and
    written to ``out``, in pieces of ``PIECE_BYTES`` (fewer at the end of the file)."""
    done = 0
    while done < length:
        piece = os.pread(descriptor, min(PIECE_BYTES, length - done), offset + done)
        if not piece:
            break
        written = os.pwrite(out, piece, offset + done)
        if written != len(piece):
            raise OSError(errno.EIO, "the backup's disk took part of a write")
        done += written
    return done


def _same_file(descriptor: int, wanted: os.stat_result) -> bool:
    try:
        found = os.fstat(descriptor)
    except OSError:
        return False
    return file_identity(found) == file_identity(wanted)


_DESCRIPTORS = Path("/proc/self/fd")


def locked_copy_possible() -> bool:
    """Return whether this platform lets ``locked_copier`` find SQLite's descriptors and copy
    from them (Linux: ``/proc/self/fd`` and ``os.copy_file_range``)."""
    return hasattr(os, "copy_file_range") and _DESCRIPTORS.is_dir()


def _open_descriptor(real: Path, wanted: os.stat_result) -> int | None:
    """Return a descriptor this process already has open on ``real`` (SQLite's), or None.

    A read-write one first: that is the locked connection's, open until it ends (the
    whole-database check's read-only one, and others SQLite keeps open while a lock is
    held, may be open too).
    """
    folder = _DESCRIPTORS
    if not locked_copy_possible():
        return None
    import fcntl  # POSIX only, as /proc is: imported once the platform has them

    found: list[tuple[bool, int]] = []
    for entry in folder.iterdir():
        try:
            if os.readlink(entry) != str(real):
                continue
            descriptor = int(entry.name)
            writable = fcntl.fcntl(descriptor, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDWR
        except (OSError, ValueError):
            continue
        if _same_file(descriptor, wanted):
            found.append((not writable, descriptor))
    return min(found)[1] if found else None


def _written(
    database: str,
    database_file: Path,
    now: datetime,
    fill: Callable[[Path, Path], None],
    replaced: bool = False,
) -> Result[Path, Environment]:
    """Return the backup ``fill(real, temp)`` wrote into a fresh hidden file, safely linked.

    A failure, or ``fill`` stopped by raising (Ctrl-C through a progress
    callback), leaves nothing behind.
    """
    real = database_file.resolve()
    try:
        temp = exclusive_temp(real)
    except OSError as error:
        return Failure(_os_problem(database, real, error))
    linked: list[Path] = []
    try:
        fill(real, temp)
        final = _publish(temp, real, now, replaced, linked)
    except sqlite3.Error as error:
        discard(temp)
        kind = error_kind(error)
        return Failure(
            Environment(
                database,
                str(real),
                kind if kind in ("locked", "read_only", "disk_full") else "io",
                f"cannot back up: {error}",
            )
        )
    except OSError as error:
        discard(temp)
        return Failure(_os_problem(database, real, error))
    except BaseException:  # stopped (Ctrl-C, through ``progress`` or not): leave nothing behind
        discard(temp)
        for published in linked:  # stopped after its link: the run never learns of it
            discard(published)
        raise
    return Success(final)
