"""`db check`, `db check --repair` and `db backup`: verify, mend and archive a home folder.

A home holds two stores of patient files: the clinic's (patients/) and the practice attempts' simulated patients
(practice/patients/). Both are checked and mended alike; the attempts' own metadata is practice mode's to check
(`practice.attempts.check_attempts`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from backcoach.errors import BackcoachError, UsageError
from backcoach.store.atomic import (
    BadJSON,
    atomic_file,
    atomic_write,
    numbered,
    parse_json,
    read_json,
    read_regular,
    write_new,
)
from backcoach.store.errors import DamagedFile, PatientLocked
from backcoach.store.home import Home, IndexEntry, record_from_tinydb
from backcoach.store.lock import PatientLock


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: int = 0  # the clinic's patient files
    attempts: int = 0  # practice attempts' patient files

    @property
    def clean(self) -> bool:
        return not self.problems


def restore_from_backup(path: Path, check: Callable[[Any], object]) -> str | None:
    """Put a damaged (or missing) file aside and restore its .bak once `check(what the .bak holds)` accepts it (it
    raises DamagedFile if not); returns what was done, or None when the .bak is missing or no good."""
    bak = path.with_name(path.name + ".bak")
    try:  # read once: what is restored is what was checked (a .bak swapped meanwhile, for /dev/zero say, is not read)
        good = read_regular(bak)
        check(parse_json(good))
    except (OSError, DamagedFile, BadJSON):  # missing, or not readable (a folder, no permission): no good either
        return None
    if not path.exists():
        atomic_write(path, good)
        return f"{path.name}: restored from {bak.name} (it was missing)"
    aside = path.with_name(f"{path.name}.broken-{datetime.now().strftime('%Y%m%d-%H%M%S')}")
    try:
        damaged = read_regular(path)  # never waits on a FIFO or reads /dev/zero for ever
    except DamagedFile as exc:  # what cannot be kept aside is not replaced
        raise OSError(errno.EINVAL, f"cannot be kept aside ({exc.reason})", str(path)) from None
    aside = write_new(aside, damaged)  # a copy: a crash before the restore still leaves the damaged file
    atomic_write(path, good)
    return f"{path.name}: restored from {bak.name} (damaged file kept as {aside.name})"


def repair_under_lock(home: Home, pid: str, path: Path, check: Callable[[Any], object]) -> str | None:
    """`restore_from_backup` under patient `pid`'s lock, so no window can be writing `path` meanwhile."""
    lock = home.lock(pid)
    try:
        return restore_from_backup(path, check)
    finally:
        lock.release()


# What an interrupted atomic write leaves: its temp file (`.<name>.<random>.tmp`) or a half-made .bak link
# (`.<name>.bak.<pid>`); both hidden, both may hold patient data.
_TEMP = re.compile(r"^\..+(\.tmp|\.bak\.\d+)$")
_OWNER = re.compile(r"^\.([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.json\.")
STALE_AFTER = 60.0  # seconds: a temp file no lock guards is a leftover once this long unchanged (a backup being
# written changes its temp file all the time)


def _leftover_temps(home: Home, folder: Path, where: str, report: CheckReport, repair: bool) -> None:
    """Report (with `repair`, remove) the temp files interrupted writes left in `folder`. A patient's is checked
    under the patient's lock (a window saving it now is left alone); any other once it is older than STALE_AFTER."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:  # a folder the user cannot list: what it may hold is unknown
        inside = folder.relative_to(home.root).as_posix()
        shown = f"{where}{inside}" if inside != "." else where.rstrip("/") or str(home.root)  # the data folder itself
        report.problems.append(f"{shown}: cannot be listed ({exc.strerror})")
        return
    guarded = folder in (home.patients_dir, home.root / "meta")
    for entry in entries:
        if not _TEMP.match(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        path, name = Path(entry.path), f"{where}{Path(entry.path).relative_to(home.root).as_posix()}"
        owner = _OWNER.match(entry.name) if guarded else None
        lock = None
        try:
            if owner:
                pid = owner.group(1)
                lock = home.lock(pid)
            elif time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_AFTER:
                continue
        except PatientLocked:  # being written by the window that has the patient open
            continue
        except FileNotFoundError:  # gone meanwhile
            continue
        except OSError:  # its patient's lock file cannot be taken (a folder, a link): said, kept, and the check goes on
            report.problems.append(
                f"{name}: left by an interrupted save; it may hold patient data (not removed: the patient's lock file "
                "cannot be used)"
            )
            continue
        try:
            if repair:
                path.unlink()
                report.repaired.append(f"{name}: removed (left by an interrupted save)")
            else:
                report.problems.append(
                    f"{name}: left by an interrupted save; it may hold patient data (--repair removes it)"
                )
        except OSError as exc:  # it cannot be removed (a read-only folder): said, and the check goes on
            report.problems.append(f"{name}: left by an interrupted save; not removed: {exc.strerror or exc}")
        finally:
            if lock is not None:
                lock.release(remove=not (home.patients_dir / f"{lock.patient_id}.json").exists())


def _lock_problem(path: Path) -> str | None:
    """Why the lock file at `path` could never be taken (every save of its patient would fail), or None."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        return "a link, not a lock file"
    if stat.S_ISDIR(st.st_mode):
        return "a folder, not a lock file"
    if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:
        return "not a lock file of its own (a special file or a hard link)"
    return None


def _check_locks(home: Home, ids: list[str], where: str, report: CheckReport, repair: bool) -> None:
    """A lock file no save could take is a problem (the patient cannot be written until it is removed); a lock file
    of no patient (a failed add before they were removed, a patient file moved away) is a note, removed by `repair`
    under its own lock (an add in progress holds it, and is left alone)."""
    patients = set(ids)
    try:
        locks = sorted(e.name for e in os.scandir(home.patients_dir) if e.name.endswith(".lock"))
    except OSError:
        return
    for name in locks:
        pid, path, shown = name[:-5], home.patients_dir / name, f"{where}patients/{name}"
        problem = _lock_problem(path)
        if problem:
            report.problems.append(f"{shown}: {problem}; the patient cannot be saved until it is removed")
            continue
        if pid in patients or not pid or pid.startswith("."):
            continue
        if not repair:
            report.notes.append(f"{shown}: the lock file of no patient (--repair removes it)")
            continue
        try:
            lock = PatientLock(path, pid).acquire()
        except (PatientLocked, OSError):  # being used (an add in progress) or unusable: left as it is
            continue
        gone = not (home.patients_dir / f"{pid}.json").exists()
        lock.release(remove=gone)
        if gone:
            report.repaired.append(f"{shown}: removed (the lock file of no patient)")


def _check_orphans(home: Home, where: str, report: CheckReport, repair: bool) -> None:
    """A `.bak` whose patient file is gone (backcoach never removes a patient file): the patient is missing from
    every list. A problem; `repair` restores the .bak (under the patient's lock) once it holds that patient."""
    try:
        baks = sorted(e.name for e in os.scandir(home.patients_dir) if e.name.endswith(".json.bak"))
    except OSError:
        return
    for name in baks:
        pid = name[: -len(".json.bak")]
        path = home.patients_dir / f"{pid}.json"
        if os.path.lexists(path) or pid.startswith("."):
            continue
        shown = f"{where}patients/{path.name}"
        try:
            home.patient_path(pid)
            done = repair_under_lock(home, pid, path, partial(record_from_tinydb, path)) if repair else None
        except (BackcoachError, OSError):  # no patient id, locked, or not writable: reported below
            done = None
        if done:
            report.repaired.append(f"{where}patients/{done}")
        elif repair:
            report.problems.append(f"{shown}: missing, and its .bak could not be restored")
        else:
            report.problems.append(f"{shown}: missing, but its .bak is there (--repair restores it)")


def _check_store(home: Home, where: str, report: CheckReport, repair: bool) -> int:
    """Check (and with `repair` mend) one store's patient files and index; `where` prefixes what is reported (the
    store's folder in the home). Returns how many patient files were checked."""
    if home.patients_dir.exists() and not home.patients_dir.is_dir():
        report.problems.append(f"{where}patients: not a folder (it should hold the patient files)")
        return 0
    try:
        ids = home.patient_ids()
    except OSError as exc:  # no permission to list it: nothing in it can be checked, which is a problem to report
        report.problems.append(f"{where}patients: cannot be listed ({exc.strerror or exc})")
        return 0
    entries: dict[str, IndexEntry] = {}  # what the index should say of each readable file
    for pid in ids:
        path = home.patients_dir / f"{pid}.json"
        name = f"{where}patients/{path.name}"
        try:
            st = path.stat()
            entries[pid] = IndexEntry.of(home.load(pid), st.st_size, st.st_mtime_ns)
        except DamagedFile as exc:
            try:
                done = repair_under_lock(home, pid, path, partial(record_from_tinydb, path)) if repair else None
            except PatientLocked as locked:  # the others are still checked and mended
                report.problems.append(f"{name}: {exc.reason}; not repaired: {locked}")
                continue
            except OSError as failed:  # its lock or its copies cannot be written: said, and the others go on
                where_ = f"{failed.filename}: " if failed.filename and Path(failed.filename) != path else ""
                report.problems.append(f"{name}: {exc.reason}; not repaired: {where_}{failed.strerror or failed}")
                continue
            if done:
                report.repaired.append(f"{where}patients/{done}")
            else:
                extra = " and its .bak is missing or damaged too" if repair else ""
                report.problems.append(f"{name}: {exc.reason}{extra}")
        except Exception as exc:  # noqa: BLE001 - e.g. a file name that is not a valid id
            report.problems.append(f"{name}: {exc}")
        bak = path.with_name(path.name + ".bak")
        if bak.is_dir() and not bak.is_symlink():  # every later save of the patient would fail
            report.problems.append(f"{name}.bak: a folder, not a file (the patient cannot be saved until it is moved)")
    _check_locks(home, ids, where, report, repair)
    _check_orphans(home, where, report, repair)
    for folder in (home.patients_dir, home.root, home.root / "meta", home.root / "backups"):
        _leftover_temps(home, folder, where, report, repair)
    index = f"{where}index.json"
    index_problems = []
    if home.index_path.exists():
        try:
            read_json(home.index_path)
        except DamagedFile as exc:
            index_problems.append(f"{index}: {exc.reason}")
        except OSError as exc:  # a folder in its place, no permission: said, and the check goes on
            index_problems.append(f"{index}: cannot be read ({exc.strerror or exc})")
        else:  # an entry a listing trusts (its file's size and time match) must say what the file says
            cached = home._read_index()
            wrong = [
                pid
                for pid, entry in entries.items()
                if (c := cached.get(pid)) is not None
                and (c.size, c.mtime_ns) == (entry.size, entry.mtime_ns)
                and c != entry
            ]
            if wrong:
                files = ", ".join(f"{pid}.json" for pid in wrong[:3]) + (" …" if len(wrong) > 3 else "")
                index_problems.append(f"{index}: says otherwise than {files} (a cache listings trust: it was changed)")
    elif ids:
        report.notes.append(f"{index}: not built yet (it is a cache; the next listing builds it)")
    if repair and (ids or home.index_path.exists()):
        try:
            home.index(rebuild=True)
        except OSError as exc:  # a folder in its place, a read-only home: said, and left as it is
            report.problems += index_problems or [f"{index}: not rebuilt"]
            report.problems[-1] += f"; not rebuilt: {exc.strerror or exc}"
        else:
            report.repaired += [f"{p} → index rebuilt" for p in index_problems] or [f"{index}: rebuilt"]
    else:
        report.problems += index_problems
    return len(ids)


def check_home(home: Home, *, repair: bool = False) -> CheckReport:
    report = CheckReport()
    if home.root.exists() and not home.root.is_dir():
        report.problems.append(f"{home.root}: not a folder (it should be backcoach's data folder)")
        return report
    report.checked = _check_store(home, "", report, repair)
    practice = Home(home.practice_dir)
    if practice.root.exists() and not practice.root.is_dir():
        report.problems.append("practice: not a folder (it should hold the practice attempts)")
    elif practice.root.is_dir():
        report.attempts = _check_store(practice, "practice/", report, repair)
    return report


def backup_home(home: Home, out: Path | None = None, *, force: bool = False) -> Path:
    """Write a zip of the home's data (not its locks, temp files or earlier backups) atomically; returns its path.

    Without `out` it goes to `<home>/backups/`, under a new name (never over an earlier backup). An `out` inside the
    data folder (but for its backups/ folder) is refused: the zip could replace a patient file. An existing `out`
    is replaced only with `force`.
    """
    backups = home.root / "backups"
    if out is None:
        from backcoach.locations import ensure_private_dir

        where = backups.resolve()
        if any(where == r.resolve() or r.resolve() in where.parents for r in home.record_folders):
            raise BackcoachError(f"{backups} leads into the data folder's records (a link?); move it or use --out")
        ensure_private_dir(backups)
        name = backups / f"backcoach-{datetime.now().strftime('%Y%m%d-%H%M%S')}.zip"
        for n in range(1, 1000):
            try:
                return _write_backup(home, numbered(name, n, ".zip"), replace=False)
            except FileExistsError:
                continue
        raise BackcoachError(f"{backups}: too many backups with the name {name.name}")  # pragma: no cover
    out = Path(out)
    _check_backup_out(home, out, force)
    try:
        return _write_backup(home, out, replace=force)
    except FileExistsError:
        raise BackcoachError(f"{out} exists; not overwritten (use --force)") from None


def _check_backup_out(home: Home, out: Path, force: bool) -> None:
    from backcoach.locations import output_folder

    where, root = out.resolve(), home.root.resolve()
    if root == where or root in where.parents:
        backups = root / "backups"
        if backups not in where.parents:
            raise UsageError(f"--out {out} is inside the data folder; choose a file outside it, or in {backups}")
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; name the zip file to write")
    if os.path.lexists(out) and not force:
        raise BackcoachError(f"{out} exists; not overwritten (use --force)")
    if os.path.lexists(out) and not stat.S_ISREG(os.lstat(out).st_mode):
        raise UsageError(f"--out {out} is not a regular file (a link, a device …); --force replaces only a file")
    output_folder(out.parent, home.record_folders)


def backup_members(home: Home) -> tuple[list[Path], list[Path]]:
    """The files a backup holds (regular files, not locks, temp files or earlier backups), and what it leaves out
    that is neither a folder nor one of those: links and special files (a link could copy any file on the computer
    into the backup, a named pipe would block it for ever), and files whose path is not UTF-8 text (no zip can name
    them; backcoach never makes such a name: see `left_out_reason`)."""
    files: list[Path] = []
    skipped: list[Path] = []
    if not home.root.is_dir():
        return files, skipped
    for folder, dirs, names in os.walk(home.root, onerror=_unlistable):  # never follows links to folders
        here = Path(folder)
        if here == home.root:
            dirs[:] = [d for d in dirs if d != "backups"]
        for name in sorted(names) + [d for d in dirs if (here / d).is_symlink()]:
            path = here / name
            if path.suffix == ".lock" or name.startswith("."):
                continue
            st = os.lstat(path)
            (files if stat.S_ISREG(st.st_mode) and _utf8(path) else skipped).append(path)
        dirs[:] = sorted(d for d in dirs if not (here / d).is_symlink())
    return sorted(files), sorted(skipped)


def _utf8(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # a byte that is not UTF-8 in a name, which Python keeps as a lone surrogate
        return False
    return True


def left_out_reason(path: Path) -> str:
    """Why `backup_members` left `path` out."""
    if not _utf8(path):
        return "its name is not UTF-8 text"
    return "not a regular file (a link or a special file)"


def _unlistable(exc: OSError) -> None:
    """os.walk's error handler: a folder that cannot be listed fails the backup (os.walk skips it by default, which
    made a zip without the patients a user could not list, and said it was written)."""
    raise exc


def _write_backup(home: Home, out: Path, *, replace: bool) -> Path:
    files, _ = backup_members(home)
    with atomic_file(out, replace=replace) as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            zf.write(path, path.relative_to(home.root).as_posix())
    return out
