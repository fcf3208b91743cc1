"""`db check`, `db check --repair` and `db backup`: verify, mend and archive a home folder.

A home holds two stores of patient files: the clinic's (patients/) and the practice attempts' simulated patients
(practice/patients/). Both are checked and mended alike; the attempts' own metadata is practice mode's to check
(`practice.attempts.check_attempts`).
"""

from __future__ import annotations

import errno
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from backcoach.store.atomic import atomic_file, atomic_write, read_json, read_regular
from backcoach.store.errors import DamagedFile, PatientLocked
from backcoach.store.home import Home, record_from_tinydb
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
    try:
        check(read_json(bak))
    except (FileNotFoundError, DamagedFile):
        return None
    if not path.exists():
        atomic_write(path, bak.read_bytes())
        return f"{path.name}: restored from {bak.name} (it was missing)"
    aside = path.with_name(f"{path.name}.broken-{datetime.now().strftime('%Y%m%d-%H%M%S')}")
    try:
        damaged = read_regular(path)  # never waits on a FIFO or reads /dev/zero for ever
    except DamagedFile as exc:  # what cannot be kept aside is not replaced
        raise OSError(errno.EINVAL, f"cannot be kept aside ({exc.reason})", str(path)) from None
    atomic_write(aside, damaged)  # a copy: a crash before the restore still leaves the damaged file
    atomic_write(path, bak.read_bytes())
    return f"{path.name}: restored from {bak.name} (damaged file kept as {aside.name})"


def repair_under_lock(home: Home, pid: str, path: Path, check: Callable[[Any], object]) -> str | None:
    """`restore_from_backup` under patient `pid`'s lock, so no window can be writing `path` meanwhile."""
    lock = PatientLock(home.patients_dir / f"{pid}.lock", pid).acquire()
    try:
        return restore_from_backup(path, check)
    finally:
        lock.release()


def _check_store(home: Home, where: str, report: CheckReport, repair: bool) -> int:
    """Check (and with `repair` mend) one store's patient files and index; `where` prefixes what is reported (the
    store's folder in the home). Returns how many patient files were checked."""
    if home.patients_dir.exists() and not home.patients_dir.is_dir():
        report.problems.append(f"{where}patients: not a folder (it should hold the patient files)")
        return 0
    ids = home.patient_ids()
    for pid in ids:
        path = home.patients_dir / f"{pid}.json"
        name = f"{where}patients/{path.name}"
        try:
            home.load(pid)
        except DamagedFile as exc:
            try:
                done = repair_under_lock(home, pid, path, partial(record_from_tinydb, path)) if repair else None
            except PatientLocked as locked:  # the others are still checked and mended
                report.problems.append(f"{name}: {exc.reason}; not repaired: {locked}")
                continue
            except OSError as failed:  # it cannot be read (kept aside) or replaced: it is left exactly as it is
                report.problems.append(f"{name}: {exc.reason}; not repaired: {failed.strerror or failed}")
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
    index = f"{where}index.json"
    index_problems = []
    if home.index_path.exists():
        try:
            read_json(home.index_path)
        except DamagedFile as exc:
            index_problems.append(f"{index}: {exc.reason}")
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


def backup_home(home: Home, out: Path | None = None) -> Path:
    """Write a zip of the home's data (not its locks or earlier backups) atomically; returns its path."""
    if out is None:
        out = home.root / "backups" / f"backcoach-{datetime.now().strftime('%Y%m%d-%H%M%S')}.zip"
    out = Path(out)
    if out.parent == home.root / "backups":
        from backcoach.locations import ensure_private_dir

        ensure_private_dir(out.parent)
    with atomic_file(out) as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(home.root.rglob("*")):
            rel = path.relative_to(home.root)
            if path.is_dir() or rel.parts[0] == "backups" or path.suffix == ".lock" or path.name.startswith("."):
                continue
            zf.write(path, rel.as_posix())
    return out
