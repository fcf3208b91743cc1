"""The store service: patients and sessions in a home folder. The CLI, the TUI and plain mode all use this."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB, where

from backcoach.errors import BackcoachError, UsageError
from backcoach.locations import ensure_private_dir
from backcoach.model import (
    SCHEMA_VERSION,
    Patient,
    PatientRecord,
    Session,
    check_new_patient_id,
    check_patient_id,
    new_id,
    now,
)
from backcoach.protocol import Protocol
from backcoach.store.atomic import AtomicJSONStorage, atomic_write, dump_json, read_json
from backcoach.store.errors import DamagedFile, PatientNotFound
from backcoach.store.lock import PatientLock
from backcoach.textclean import loaded_text

INDEX_SCHEMA = 1


@dataclass(frozen=True)
class IndexEntry:
    """What `patient list` shows of a patient, cached in index.json and checked against the file's size/mtime."""

    id: str
    name: str = ""
    born: int | None = None
    archived: bool = False
    created: str | None = None
    sessions: int = 0
    last_session: str | None = None
    open_session: str | None = None
    damaged: str | None = None
    size: int = 0
    mtime_ns: int = 0

    @classmethod
    def cached(cls, pid: str, raw: Any) -> IndexEntry | None:
        """The entry index.json holds for patient `pid`, or None when it cannot be trusted: it names another patient,
        a value has the wrong type, or it says the file is damaged (always checked again: damage is rare, and a
        cached "damaged" would hide a healthy patient)."""
        if not isinstance(raw, dict) or raw.get("id") != pid or raw.get("damaged") is not None:
            return None
        try:
            entry = cls(**raw)
        except TypeError:
            return None
        for name, kinds in _ENTRY_TYPES.items():
            value = getattr(entry, name)
            if isinstance(value, bool) is not (kinds == (bool,)) or not isinstance(value, kinds):
                return None
        if entry.sessions < 0 or (entry.open_session is not None and not entry.sessions):
            return None
        try:  # its dates are dates, as the files' are (a tampered "[/x]" once crashed the app's patient list)
            for value in (entry.created, entry.last_session):
                if value is not None:
                    datetime.fromisoformat(value)
        except ValueError:
            return None
        try:  # what it shows is cleaned and bounded like typed text
            text: dict[str, Any] = {
                key: loaded_text(value, field=key) for key, value in raw.items() if isinstance(value, str)
            }
        except BackcoachError:
            return None
        return replace(entry, **text)

    @classmethod
    def of(cls, record: PatientRecord, size: int, mtime_ns: int) -> IndexEntry:
        p = record.patient
        latest = record.latest
        return cls(
            id=p.id,
            name=p.name,
            born=p.born,
            archived=p.archived,
            created=p.created.isoformat(),
            sessions=len(record.sessions),
            last_session=latest.started.isoformat() if latest else None,
            open_session=record.open_session.id if record.open_session else None,
            size=size,
            mtime_ns=mtime_ns,
        )


_ENTRY_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "born": (int, type(None)),
    "archived": (bool,),
    "created": (str, type(None)),
    "sessions": (int,),
    "last_session": (str, type(None)),
    "open_session": (str, type(None)),
    "size": (int,),
    "mtime_ns": (int,),
}


def record_from_tinydb(path: Path, data: dict[str, Any] | None) -> PatientRecord:
    """Build a record from a patient file's TinyDB tables; anything unexpected is a DamagedFile."""
    if not isinstance(data, dict):
        raise DamagedFile(path, "not a backcoach patient file" if data else "no patient in file")
    if not data:
        raise DamagedFile(path, "no patient in file")
    try:
        meta = list((data.get("meta") or {}).values())
        schema = meta[0].get("schema") if meta else None
        if schema != SCHEMA_VERSION:
            raise DamagedFile(path, f"schema version {schema!r:.40}; this backcoach reads version {SCHEMA_VERSION}")
        patients = list((data.get("patient") or {}).values())
        if len(patients) != 1:
            raise DamagedFile(path, "expected exactly one patient")
        record = PatientRecord.from_dict({"patient": patients[0], "sessions": list(data.get("sessions", {}).values())})
    except DamagedFile:
        raise
    except BackcoachError as exc:  # a value no typed text could hold (too long), an invalid id, …
        raise DamagedFile(path, f"unreadable record: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - any malformed content means the same thing: damaged
        raise DamagedFile(path, f"unreadable record ({type(exc).__name__})") from None
    if path.name != f"{record.patient.id}.json":
        raise DamagedFile(path, f"holds patient {record.patient.id!r}, not {path.stem!r}")
    return record


class PatientWriter:
    """A patient open for writing: holds the patient's lock; every save is on disk when it returns."""

    def __init__(self, home: Home, patient_id: str):
        self.home = home
        self.path = home.patient_path(patient_id)
        if not self.path.exists():  # before the lock, so a mistyped id leaves no lock file behind
            raise PatientNotFound(patient_id)
        self._lock = home.lock(patient_id)
        try:
            self._db = TinyDB(self.path, storage=AtomicJSONStorage)
            if not self.path.exists():
                raise PatientNotFound(patient_id)
            self.record = record_from_tinydb(self.path, self._db.storage.read())
        except BaseException:
            self._lock.release()
            raise

    def __enter__(self) -> PatientWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._lock.held:
            self._db.close()
            self._lock.release()

    def save_session(self, session: Session) -> None:
        """Write one session (new or changed) to disk."""
        self._db.table("sessions").upsert(session.to_dict(), where("id") == session.id)

    def save_patient(self, *, touch: bool = True) -> None:
        """Write the patient's details; `touch=False` keeps their `updated` time (an import keeps it as given)."""
        if touch:
            self.record.patient.updated = now()
        self._db.table("patient").upsert(self.record.patient.to_dict(), where("id") == self.record.patient.id)

    def start_session(self, protocol: Protocol) -> Session:
        """Resume the open session if there is one (nothing is written), else start and save a new one."""
        if self.record.open_session is not None:
            return self.record.open_session
        session = self.record.new_session(protocol)
        self.save_session(session)
        return session


class Home:
    """A backcoach data folder. Nothing is created on disk until something is written."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.patients_dir = self.root / "patients"
        self.index_path = self.root / "index.json"
        self.practice_dir = self.root / "practice"

    # --- paths ----------------------------------------------------------------------------------------------
    @property
    def record_folders(self) -> tuple[Path, ...]:
        """The folders whose files only the store writes (no export may go there)."""
        return (self.patients_dir, self.practice_dir)

    def patient_path(self, patient_id: str) -> Path:
        return self.patients_dir / f"{check_patient_id(patient_id)}.json"

    def lock(self, patient_id: str) -> PatientLock:
        """Take patient `patient_id`'s lock (one writer per patient); PatientLocked if another process holds it."""
        return PatientLock(self.patients_dir / f"{patient_id}.lock", patient_id).acquire()

    def patient_ids(self) -> list[str]:
        """Ids of every patient file on disk, sorted; DamagedFile when the patients folder is something else."""
        if not self.patients_dir.is_dir():
            if self.patients_dir.exists():
                raise DamagedFile(self.patients_dir, "not a folder")
            return []
        ids = []
        with os.scandir(self.patients_dir) as it:
            for entry in it:
                name = entry.name
                if name.endswith(".json") and not name.startswith("."):
                    ids.append(name[:-5])
        return sorted(ids)

    def _prepare(self) -> None:
        ensure_private_dir(self.root)
        if self.patients_dir.exists() and not self.patients_dir.is_dir():  # as every reader says (it was "File exists")
            raise DamagedFile(self.patients_dir, "not a folder")
        ensure_private_dir(self.patients_dir)

    # --- patients -------------------------------------------------------------------------------------------
    def add_patient(self, name: str, patient_id: str | None = None, born: int | None = None) -> Patient:
        if patient_id is not None:
            check_new_patient_id(patient_id)
        self._prepare()
        for _ in range(20):
            patient = Patient(id=patient_id or new_id(), name=name, born=born)
            if self._create(patient, []):
                return patient
            if patient_id is not None:
                raise UsageError(f"patient id {patient_id!r} is already taken")
        raise UsageError("could not find a free patient id")  # pragma: no cover - 31^8 ids

    def add_record(self, record: PatientRecord) -> bool:
        """Create a patient file holding a whole record as given (an import); False when the id is taken."""
        self._prepare()
        return self._create(record.patient, record.sessions)

    def _create(self, patient: Patient, sessions: list[Session]) -> bool:
        """Write a new patient file under the patient's lock, in one atomic write; False when it exists."""
        check_new_patient_id(patient.id)
        lock = self.lock(patient.id)
        path = self.patient_path(patient.id)
        try:
            if path.exists():
                return False
            data = {
                "meta": {"1": {"schema": SCHEMA_VERSION}},
                "patient": {"1": patient.to_dict()},
                "sessions": {str(n): s.to_dict() for n, s in enumerate(sessions, 1)},
            }
            atomic_write(path, dump_json(data), replace=False)
            return True
        except FileExistsError:  # made meanwhile by something that does not take the lock
            return False
        finally:
            lock.release(remove=not path.exists())  # a failed add leaves no stray lock file

    def load(self, patient_id: str) -> PatientRecord:
        """Read a patient with all sessions, without taking the lock (read-only use)."""
        path = self.patient_path(patient_id)
        try:
            data = read_json(path)
        except FileNotFoundError:
            raise PatientNotFound(patient_id) from None
        return record_from_tinydb(path, data)

    def open(self, patient_id: str) -> PatientWriter:
        """Open a patient for writing; raises PatientLocked if another process has it open."""
        if not self.patient_path(patient_id).exists():  # before the folders are made: a missing patient leaves none
            raise PatientNotFound(patient_id)
        self._prepare()
        return PatientWriter(self, patient_id)

    def archive(self, patient_id: str, archived: bool = True) -> Patient:
        with self.open(patient_id) as writer:
            writer.record.patient.archived = archived
            writer.save_patient()
            return writer.record.patient

    def records(self, ids: list[str] | None = None) -> Iterator[tuple[str, PatientRecord | DamagedFile]]:
        """Each patient's record, or the DamagedFile error for one that cannot be read: damage never spreads."""
        for pid in self.patient_ids() if ids is None else ids:
            try:
                yield pid, self.load(pid)
            except DamagedFile as exc:
                yield pid, exc
            except UsageError:  # a stray file whose name is no patient id ("notes copy.json")
                yield pid, DamagedFile(self.patients_dir / f"{pid}.json", "its name is not a patient id")

    # --- index ----------------------------------------------------------------------------------------------
    def _read_index(self) -> dict[str, IndexEntry]:
        """The cached entries; one that is not as this backcoach writes it is left out (its file is read again)."""
        try:
            data = read_json(self.index_path)
            if data.get("schema") != INDEX_SCHEMA:
                return {}
            entries = {pid: IndexEntry.cached(pid, e) for pid, e in data["patients"].items()}
        except (OSError, DamagedFile, AttributeError, KeyError, TypeError):
            return {}
        return {pid: e for pid, e in entries.items() if e is not None}

    def _entry_for(self, pid: str, st: os.stat_result) -> IndexEntry:
        try:
            return IndexEntry.of(self.load(pid), st.st_size, st.st_mtime_ns)
        except DamagedFile as exc:
            return IndexEntry(id=pid, damaged=exc.reason, size=st.st_size, mtime_ns=st.st_mtime_ns)

    def index(self, *, rebuild: bool = False) -> list[IndexEntry]:
        """Every patient's index entry, refreshed from any file that changed since the index was written."""
        cached = {} if rebuild else self._read_index()
        fresh: dict[str, IndexEntry] = {}
        changed = rebuild or not self.index_path.exists()
        for pid in self.patient_ids():
            try:
                st = (self.patients_dir / f"{pid}.json").stat()
                check_patient_id(pid)
            except (FileNotFoundError, UsageError):
                continue
            entry = cached.get(pid)
            if entry is None or (entry.size, entry.mtime_ns) != (st.st_size, st.st_mtime_ns):
                entry = self._entry_for(pid, st)
                changed = True
            fresh[pid] = entry
        if changed or fresh.keys() != cached.keys():
            try:
                self.write_index(fresh)
            except OSError:  # a cache: a home that cannot take it (read-only) is still listed; a rebuild must say
                if rebuild:
                    raise
        return list(fresh.values())

    def write_index(self, entries: dict[str, IndexEntry]) -> None:
        if not self.patients_dir.is_dir():
            return
        self._prepare()
        payload = {"schema": INDEX_SCHEMA, "patients": {pid: asdict(e) for pid, e in entries.items()}}
        atomic_write(self.index_path, dump_json(payload))
