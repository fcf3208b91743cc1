"""Atomic file writes, and a TinyDB storage that uses them.

A write goes to a temp file in the same folder (0600), is fsynced, then replaces the target with os.replace;
the folder is fsynced so the rename itself survives a power cut. The previous version is kept as `<name>.bak`
(a hard link to the old file, so it costs no copy). A crash at any moment leaves either the old or the new file.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tinydb.storages import Storage

from backcoach.store.errors import DamagedFile, FileChangedOnDisk
from backcoach.textclean import json_text

FILE_MODE = 0o600


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep_backup(path: Path) -> None:
    """Make `<path>.bak` the current version of `path` without copying or touching `path` itself."""
    bak = path.with_name(path.name + ".bak")
    tmp = path.with_name(f".{path.name}.bak.{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        os.link(path, tmp)
    except FileNotFoundError:
        return
    except OSError:  # no hard links on this filesystem: copy
        tmp.write_bytes(path.read_bytes())
        os.chmod(tmp, FILE_MODE)
    try:
        os.replace(tmp, bak)
    except OSError as exc:  # a folder where the .bak should be, say: named, and no temp link left behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise type(exc)(exc.errno, exc.strerror, str(bak)) from None


@contextlib.contextmanager
def atomic_file(path: Path, *, backup: bool = False, durable: bool = True, replace: bool = True) -> Iterator[BinaryIO]:
    """Open a temp file beside `path` for writing; on success it replaces `path` atomically (crash: old or new).

    `durable=False` skips the fsyncs, for a batch that makes all its files durable at once (`sync_all`) before it
    reports them written; the rename is atomic either way. `replace=False` never replaces an existing `path`: it
    raises FileExistsError instead (checked by the rename itself, so two writers cannot both win). An OS error
    about the temp file (a full disk, a permission) names `path`, the file the caller asked for.
    """
    path = Path(path)
    with _named(path):
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with _named(path), os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), FILE_MODE)
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        with _named(path):
            if backup:
                _keep_backup(path)
            if replace:
                os.replace(tmp_name, path)
            else:
                _place_new(Path(tmp_name), path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    if durable:
        with _named(path):
            fsync_dir(path.parent)


def _place_new(tmp: Path, path: Path) -> None:
    """Rename `tmp` to `path` unless `path` exists (FileExistsError): a hard link fails rather than replace, and a
    rename on Windows does too; a filesystem without hard links falls back to a check just before the rename."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        if os.name == "nt":
            os.rename(tmp, path)  # never replaces on Windows
            return
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def sync_all() -> None:
    """Flush every written file to disk (one call for a whole batch of non-durable writes)."""
    if hasattr(os, "sync"):
        os.sync()


@contextlib.contextmanager
def _named(path: Path) -> Iterator[None]:
    """An OS error that names no file, or names the temp file, is reported as one about `path`."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None and not Path(exc.filename).name.startswith(f".{path.name}."):
            raise
        raise type(exc)(exc.errno, exc.strerror or str(exc), str(path)) from None


def atomic_write(path: Path, data: bytes, *, backup: bool = False, durable: bool = True, replace: bool = True) -> None:
    """Write `data` to `path` so that a crash leaves the old or the new content, never a mix."""
    with atomic_file(path, backup=backup, durable=durable, replace=replace) as fh:
        fh.write(data)


def numbered(path: Path, n: int, suffix: str = "") -> Path:
    """`path` itself for n = 1, else `path` with `-n` before `suffix` (when its name ends so) or at the end."""
    if n == 1:
        return path
    name = path.name
    stem, end = (name[: -len(suffix)], suffix) if suffix and name.endswith(suffix) else (name, "")
    return path.with_name(f"{stem}-{n}{end}")


def write_new(path: Path, data: bytes, suffix: str = "") -> Path:
    """Write `data` atomically to `path`, or when it exists to `numbered(path, 2, suffix)`, `-3` …: never over a kept
    copy. Returns the path written."""
    path = Path(path)
    for n in range(1, 1000):
        target = numbered(path, n, suffix)
        try:
            atomic_write(target, data, replace=False)
        except FileExistsError:
            continue
        return target
    raise FileExistsError(errno.EEXIST, "too many copies with this name", str(path))


MAX_DEPTH = 64  # a patient file nests about 10 deep; deeper is no file of ours, and would strain what reads it


class BadJSON(ValueError):
    """Bytes that are not JSON backcoach can read; `reason` says why in a few words (no content from the file)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def _no_constant(name: str) -> Any:
    raise BadJSON(f"not valid JSON: {name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BadJSON("not valid JSON: a number too large to read")
    return value


def _check_depth(data: Any) -> None:
    """BadJSON when containers nest deeper than MAX_DEPTH (level by level: no recursion, no per-item tuples)."""
    level = [data] if type(data) in (dict, list) else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise BadJSON(f"nested more than {MAX_DEPTH} levels deep")
        inner = []
        for value in level:
            inner += [c for c in (value.values() if type(value) is dict else value) if type(c) in (dict, list)]
        level = inner


def parse_json(raw: bytes) -> Any:
    """The one way backcoach reads JSON from a file: whatever is wrong with the bytes (not UTF-8, not JSON, nested
    too deep, NaN or a number out of range, …) raises BadJSON, never another error; Infinity and NaN are refused so
    every number read is one a later step can use."""
    if not raw.strip():
        raise BadJSON("empty file")
    try:
        data = json.loads(raw, parse_constant=_no_constant, parse_float=_finite)
    except BadJSON:
        raise
    except RecursionError:
        raise BadJSON(f"nested more than {MAX_DEPTH} levels deep") from None
    except UnicodeDecodeError:
        raise BadJSON("not valid JSON: not UTF-8 text") from None
    except json.JSONDecodeError as exc:  # some of its messages end "… at", before the position it leaves out
        raise BadJSON(f"not valid JSON: {exc.msg.removesuffix(' at')} at line {exc.lineno}") from None
    except ValueError:  # an integer of thousands of digits
        raise BadJSON("not valid JSON: a number too large to read") from None
    _check_depth(data)
    return data


MAX_FILE_BYTES = 256 << 20  # a patient file this big is no file of ours (a text answer is at most 64 KiB)


def read_regular(path: Path) -> bytes:
    """The bytes of `path` if it is a regular file of a sane size; a folder, a FIFO, a device (a symlink to
    /dev/zero) or a huge file raises DamagedFile, without waiting on it or reading it all into memory."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise DamagedFile(path, "a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise DamagedFile(path, "not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise DamagedFile(path, f"{st.st_size >> 20} MiB; no backcoach file is over {MAX_FILE_BYTES >> 20} MiB")
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)


def read_json(path: Path) -> Any:
    """Read a JSON file. A missing file raises FileNotFoundError; every other way it cannot be read or parsed
    (empty, truncated, not JSON, unreadable, a folder, …) raises DamagedFile naming it."""
    path = Path(path)
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise DamagedFile(path, f"cannot be read: {exc.strerror or type(exc).__name__}") from None
    try:
        return parse_json(raw)
    except BadJSON as exc:
        raise DamagedFile(path, exc.reason) from None


def dump_json(data: Any) -> bytes:
    return json_text(data, indent=1, sort_keys=True).encode("utf-8")


class AtomicJSONStorage(Storage):
    """TinyDB storage that never writes in place: every write is an atomic replace with a .bak kept.

    The last data read or written is kept in memory for the next read; that is safe because a patient has one
    writer (the lock), and it is dropped if a write fails so memory never runs ahead of the disk.
    """

    def __init__(self, path: str | Path, *, backup: bool = True):
        self.path = Path(path)
        self.backup = backup
        self._data: dict[str, Any] | None = None
        self._stamp: tuple[int, ...] | None = None  # the file as last read or written (see `_on_disk`)

    def _on_disk(self) -> tuple[int, ...] | None:
        """What identifies the file's version on disk: device, inode, size, modification time (None: no file)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            stamp = self._on_disk()  # before reading: a change while reading makes the next save refuse, never pass
            if stamp is None:
                return None
            data = read_json(self.path)
            if not isinstance(data, dict):
                raise DamagedFile(self.path, "not a backcoach patient file")
            self._data, self._stamp = data, stamp
        copy: dict[str, Any] = json.loads(json.dumps(self._data))  # TinyDB mutates what it reads
        return copy

    def write(self, data: dict[str, Any]) -> None:
        """Replace the file, unless it is no longer the one read or last written here (another program changed,
        replaced, damaged or removed it): then FileChangedOnDisk, and this storage refuses every save after it."""
        if self._stamp is not None and self._on_disk() != self._stamp:
            raise FileChangedOnDisk(self.path)
        self._data = None
        atomic_write(self.path, dump_json(data), backup=self.backup)
        self._data, self._stamp = data, self._on_disk()

    def close(self) -> None:
        self._data = None
        self._stamp = None
