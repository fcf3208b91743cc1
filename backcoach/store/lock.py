"""One writer per patient: an exclusive lock on `<id>.lock`, with the holder's pid inside for the message.

The operating system drops the lock when its process dies, so a stale lock from a crashed or killed backcoach
is simply taken over by the next writer.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from pathlib import Path

from backcoach.store.atomic import FILE_MODE
from backcoach.store.errors import PatientLocked

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only (sys.platform: a test mypy follows)
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _open_lock_file(path: Path) -> int:
    """Open (or make) a lock file; one that is a link (symbolic or hard) or not a regular file is refused, never
    truncated (a lock file linked to another file would have emptied that file)."""
    link = OSError(errno.ELOOP, "a lock file must not be a link; remove it", str(path))
    if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):  # Windows: checked first instead
        raise link
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    except OSError:
        if os.path.islink(path):
            raise link from None
        raise
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:  # a hard link: taking the lock empties the other name too
        os.close(fd)
        raise OSError(errno.EINVAL, "a lock file must be a regular file of its own (no links); remove it", str(path))
    return fd


def _same_file(fd: int, path: Path) -> bool:
    """Whether the open lock file `fd` is still the file at `path` (Windows never removes an open lock file)."""
    if os.name == "nt":  # pragma: no cover
        return True
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (st.st_dev, st.st_ino)


class PatientLock:
    """Held while a patient is open for writing; release() (or process death) frees it."""

    def __init__(self, path: Path, patient_id: str):
        self.path = path
        self.patient_id = patient_id
        self._fd: int | None = None

    def acquire(self) -> PatientLock:
        for _ in range(100):
            fd = _open_lock_file(self.path)
            if not _try_lock(fd):
                holder = os.read(fd, 32).decode("ascii", "replace").strip()
                holder = holder if holder.isdigit() else ""  # a pid, or "unknown": never what a file says
                os.close(fd)
                raise PatientLocked(self.patient_id, holder)
            if _same_file(fd, self.path):
                break
            # the lock file was removed (release(remove=True)) between our open and our lock: the lock we hold is
            # on a file nobody else will open again; take the one now at the path
            _unlock(fd)
            os.close(fd)
        else:  # pragma: no cover - a lock file removed and made again 100 times in a row
            raise PatientLocked(self.patient_id, "")
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self, *, remove: bool = False) -> None:
        """Free the lock; `remove` also deletes the lock file (the patient's file was never made: no stray lock is
        left), while it is still held, so no other process can hold a lock on the removed file but briefly."""
        if self._fd is not None:
            if remove and os.name != "nt":
                with contextlib.suppress(OSError):
                    os.unlink(self.path)
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None
            if remove and os.name == "nt":  # pragma: no cover - Windows removes no open file: after closing it,
                with contextlib.suppress(OSError):  # and not at all while another process has it open
                    os.unlink(self.path)

    @property
    def held(self) -> bool:
        return self._fd is not None
