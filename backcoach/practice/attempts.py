"""Practice attempts on disk, apart from real patients.

An attempt is stored as a patient of its own crash-safe store, `Home(<home>/practice)` (locks, atomic writes and
.bak come with it), so attempts never appear in `patient list` or clinical exports, which read <home>/patients:

    <home>/practice/patients/<attempt id>.json   the simulated patient: the case's earlier sessions + the practice one
    <home>/practice/meta/<attempt id>.json       practice metadata (below), written atomically (0600)

The metadata file holds what a patient file has no place for: the case id, the student, the practice session's id,
every How bullet asked (with the time), the seconds spent per phase, and when the attempt was finished. It is
written only by the process that holds the attempt's patient lock (a PracticeSession), so it has one writer too.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from backcoach.errors import BackcoachError
from backcoach.locations import ensure_private_dir
from backcoach.model import PatientRecord, Session, fitting_record, new_id, now
from backcoach.practice.cases import Case
from backcoach.practice.scoring import Attempt, Feedback, score
from backcoach.protocol import Protocol
from backcoach.store import DamagedFile, Home, PatientLocked
from backcoach.store.atomic import atomic_write, dump_json, read_json
from backcoach.store.maintenance import repair_under_lock
from backcoach.textclean import MAX_LABEL_BYTES, MAX_TEXT_BYTES, check_size, clean_text, loaded_text

MAX_PATH_BYTES = 4096

META_FORMAT = "backcoach.practice/1"
EARLIER_SESSION_MINUTES = 40


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


@dataclass
class AttemptMeta:
    id: str
    case_id: str
    session_id: str
    student: str = ""
    created: datetime = field(default_factory=now)
    asked: list[dict[str, Any]] = field(default_factory=list)  # {"component", "how", "at"}, in asking order
    phase_seconds: dict[str, float] = field(default_factory=dict)
    finished: datetime | None = None
    case_file: str = ""  # the case pack's path when it is not a shipped case (so reports can find it)

    def labels(self) -> dict[str, str]:
        """What feedback shows about the attempt itself."""
        return {"attempt_id": self.id, "student": self.student, "finished": _iso(self.finished)}

    @property
    def asked_pairs(self) -> frozenset[tuple[str, int]]:
        return frozenset((a["component"], a["how"]) for a in self.asked)

    def resume_args(self) -> str:
        """The `backcoach` arguments that carry on with this attempt (the case as it was started: id or file)."""
        return f"practice run {shlex.quote(self.case_file or self.case_id)} --resume {self.id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": META_FORMAT,
            "id": self.id,
            "case_id": self.case_id,
            "session_id": self.session_id,
            "student": self.student,
            "created": _iso(self.created),
            "asked": self.asked,
            "phase_seconds": self.phase_seconds,
            "case_file": self.case_file,
            "finished": _iso(self.finished) or None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AttemptMeta:
        if d.get("format") != META_FORMAT:
            raise ValueError("unknown format")
        if not all(isinstance(d.get(key, ""), str) for key in ("id", "case_id", "session_id", "student")):
            raise ValueError("ids and the student's name must be text")
        seconds = {loaded_text(k, field="a phase"): float(v) for k, v in d["phase_seconds"].items()}
        if not all(math.isfinite(v) for v in seconds.values()):
            raise ValueError("phase times must be numbers")
        return cls(  # every string is cleaned and bounded as typed text is: a hand-edited file may hold anything
            id=loaded_text(d["id"], field="id"),
            case_id=loaded_text(d["case_id"], field="case_id"),
            session_id=check_size(d["session_id"], field="session_id", limit=MAX_LABEL_BYTES),  # as stored: a link
            student=loaded_text(d.get("student", ""), field="student", limit=MAX_TEXT_BYTES),
            created=datetime.fromisoformat(d["created"]),
            asked=[
                {
                    "component": loaded_text(a["component"], field="asked component"),
                    "how": _whole(a["how"]),
                    "at": loaded_text(a["at"], field="asked at"),
                }
                for a in d["asked"]
            ],
            phase_seconds=seconds,
            finished=datetime.fromisoformat(d["finished"]) if d.get("finished") else None,
            case_file=loaded_text(d.get("case_file") or "", field="case_file", limit=MAX_PATH_BYTES),
        )


def _whole(value: Any) -> int:
    """A whole number from a file (a bullet's number); anything else raises ValueError."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10_000:
        raise ValueError("expected a whole number")
    return value


class AttemptNotFound(BackcoachError):
    def __init__(self, attempt_id: str):
        super().__init__(f"no practice attempt {attempt_id!r} (`backcoach practice report` lists them)")


@dataclass
class StoredAttempt:
    """An attempt read back for a report: its metadata and the simulated patient's record."""

    meta: AttemptMeta
    record: PatientRecord

    @property
    def session(self) -> Session:
        return self.record.session(self.meta.session_id)

    def feedback(self, case: Case, protocol: Protocol) -> Feedback:
        record = fitting_record(self.record, protocol)  # a hand-edited file may hold values of another shape
        attempt = Attempt.of(protocol, record, record.session(self.meta.session_id), self.meta.asked_pairs)
        return score(case, protocol, attempt, self.meta.phase_seconds, **self.meta.labels())


class AttemptStore:
    def __init__(self, home: Home):
        self.outer_root = home.root
        self.root = home.practice_dir
        self.home = Home(self.root)  # the attempts' own patient store
        self.meta_dir = self.root / "meta"

    def meta_path(self, attempt_id: str) -> Path:
        self.home.patient_path(attempt_id)  # refuses an id that could name a path elsewhere
        return self.meta_dir / f"{attempt_id}.json"

    def create(self, protocol: Protocol, case: Case, student: str = "") -> AttemptMeta:
        """A new attempt: the simulated patient, the case's earlier sessions, and an open practice session."""
        ensure_private_dir(self.outer_root)  # the data folder itself is private too, not only practice/
        patient = self.home.add_patient(
            case.patient.name,
            patient_id=f"{case.id}-{new_id(6)}",
            born=now().year - case.patient.age,
        )
        with self.home.open(patient.id) as writer:
            started = now()
            for earlier in case.earlier_sessions:
                session = writer.record.new_session(protocol)
                for a in earlier.answers:
                    session.answers.setdefault(a.component, {})[a.field] = a.value
                session.started = started - timedelta(days=earlier.days_ago)
                session.complete()
                session.ended = session.updated = session.started + timedelta(minutes=EARLIER_SESSION_MINUTES)
                writer.save_session(session)
            practice = writer.start_session(protocol)
            meta = AttemptMeta(
                patient.id,
                case.id,
                practice.id,
                student=clean_text(student, field="student").strip(),
                case_file=case.file,
            )
            self.write_meta(meta)
        return meta

    def write_meta(self, meta: AttemptMeta) -> None:
        ensure_private_dir(self.meta_dir)
        atomic_write(self.meta_path(meta.id), dump_json(meta.to_dict()), backup=True)

    def read_meta(self, attempt_id: str) -> AttemptMeta:
        path = self.meta_path(attempt_id)
        try:
            data = read_json(path)
        except FileNotFoundError:
            if not self.home.patient_path(attempt_id).exists():
                raise AttemptNotFound(attempt_id) from None
            raise DamagedFile(path, "missing") from None
        return self.meta_from(data, path, attempt_id)

    @staticmethod
    def meta_from(data: Any, path: Path, attempt_id: str) -> AttemptMeta:
        """Attempt `attempt_id`'s metadata from what `path` holds (the file or its .bak), or DamagedFile."""
        try:
            meta = AttemptMeta.from_dict(data)
        except BackcoachError as exc:  # text over its limit, or not text
            raise DamagedFile(path, f"not a backcoach practice file: {exc}") from None
        except (AttributeError, KeyError, TypeError, ValueError, OverflowError):
            raise DamagedFile(path, "not a backcoach practice file") from None
        if meta.id != attempt_id:
            raise DamagedFile(path, f"holds attempt {meta.id!r}, not {attempt_id!r}")
        return meta

    def ids(self) -> list[str]:
        return self.home.patient_ids()

    def load(self, attempt_id: str) -> StoredAttempt:
        """One attempt, read-only; a damaged patient or metadata file raises DamagedFile."""
        return self._attempt(attempt_id, self.home.load(attempt_id))

    def _attempt(self, attempt_id: str, record: PatientRecord) -> StoredAttempt:
        return StoredAttempt(self.fitting(self.read_meta(attempt_id), record), record)

    def fitting(self, meta: AttemptMeta, record: PatientRecord) -> AttemptMeta:
        """`meta`, once the session it names is in the attempt's record; else DamagedFile."""
        try:
            record.session(meta.session_id)
        except BackcoachError:
            raise DamagedFile(
                self.meta_path(meta.id), f"names session {meta.session_id!r}, not in the attempt"
            ) from None
        return meta

    def attempts(self) -> Iterator[tuple[str, StoredAttempt | DamagedFile]]:
        """Every attempt, or the error for one that cannot be read: one damaged attempt never stops a batch."""
        for attempt_id, record in self.home.records():
            try:
                yield attempt_id, record if isinstance(record, DamagedFile) else self._attempt(attempt_id, record)
            except DamagedFile as exc:
                yield attempt_id, exc


def _fitting_data(store: AttemptStore, attempt_id: str, record: PatientRecord, data: Any) -> AttemptMeta:
    """Metadata read back from `data` (a .bak's content) that fits the attempt's record; else DamagedFile."""
    return store.fitting(store.meta_from(data, store.meta_path(attempt_id), attempt_id), record)


def check_attempts(home: Home, *, repair: bool = False) -> tuple[list[str], list[str]]:
    """The practice attempts' metadata for `db check`: (what was repaired, what is wrong), a line each. With `repair`
    a damaged or missing file is restored from its .bak when that still fits the attempt. The attempts' patient
    files are the store's to check and mend (first)."""
    store = AttemptStore(home)
    repaired: list[str] = []
    problems: list[str] = []
    if not store.home.patients_dir.is_dir():  # none yet, or not a folder (which the store's check reports)
        return repaired, problems
    try:
        attempts = list(store.attempts())
    except OSError:  # a folder that cannot be listed, which the store's check reports
        return repaired, problems
    for attempt_id, result in attempts:
        try:
            path = store.meta_path(attempt_id)
        except BackcoachError:  # a stray file whose name is no attempt id ("notes copy.json"): the store's check
            continue  # reports it; it ended the whole check with a usage error

        if not (isinstance(result, DamagedFile) and Path(result.path) == path):
            continue
        name = f"practice/meta/{path.name}"
        if not repair:
            problems.append(f"{name}: {result.reason}")
            continue
        fits = partial(_fitting_data, store, attempt_id, store.home.load(attempt_id))
        try:
            done = repair_under_lock(store.home, attempt_id, path, fits)
        except PatientLocked as locked:  # open in a window: the others are still mended
            problems.append(f"{name}: {result.reason}; not repaired: {locked}")
            continue
        except OSError as failed:  # it cannot be read (kept aside) or replaced: it is left exactly as it is
            problems.append(f"{name}: {result.reason}; not repaired: {failed.strerror or failed}")
            continue
        if done:
            repaired.append(f"practice/meta/{done}")
        else:
            problems.append(f"{name}: {result.reason} and its .bak is missing or damaged too")
    return repaired, problems
