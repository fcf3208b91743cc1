"""The JSON export of a whole patient record, and its import back through the store.

An export is `{"format": "backcoach.export/1", "schema": 1, "patient": …, "sessions": […]}`: the record exactly
as stored, keys sorted, so export → import → export gives the same bytes. Import merges into the home under the
patient's lock: new sessions are added, identical ones left alone, and a session (or patient) whose content
differs is refused unless `replace` is set. A de-identified export cannot be imported (its dates are gone).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as replace_answers
from datetime import date, datetime
from pathlib import Path
from typing import Any

from backcoach.errors import BackcoachError
from backcoach.model import (
    PATIENT_ID,
    SCHEMA_VERSION,
    PatientRecord,
    Session,
    forwarded_answers,
    forwarded_record,
    normalise_answer,
)
from backcoach.protocol import Protocol
from backcoach.store import DamagedFile, Home
from backcoach.store.atomic import BadJSON, parse_json, read_regular
from backcoach.summary.build import age_band, first_day
from backcoach.textclean import json_text

EXPORT_FORMAT = "backcoach.export/1"


class ImportRefused(BackcoachError):
    """A file cannot be imported as it is; nothing of it was written."""


def export_record(
    record: PatientRecord,
    *,
    deidentify: bool = False,
    sessions: list[Session] | None = None,
    protocol: Protocol | None = None,
) -> dict[str, Any]:
    """The export of the record, or of some of its `sessions`; de-identified day numbers always count from the
    record's first session, as the summaries' do, so one patient's exports agree whatever was selected. With the
    `protocol`, option ids an older pack used (a warning sign since split or renamed) leave as the pack's new ids."""
    chosen = record if sessions is None else PatientRecord(record.patient, sessions)
    if protocol is not None:
        chosen = forwarded_record(chosen, protocol)
    data = {"format": EXPORT_FORMAT, **chosen.to_dict()}
    return _deidentified(first_day(record), data) if deidentify else data


def dumps(data: dict[str, Any]) -> str:
    return json_text(data, sort_keys=True) + "\n"


def _deidentified(origin: date, data: dict[str, Any]) -> dict[str, Any]:
    """Name → id, year of birth → age band, every date → days since `origin` (the first session)."""

    def day(iso: str | None) -> int | None:
        return None if iso is None else (datetime.fromisoformat(iso).date() - origin).days

    patient = data["patient"]
    patient["name"] = patient["id"]
    patient["age_band"] = age_band(patient["born"], origin) if patient["born"] else None
    patient["born"] = None
    for key in ("created", "updated"):
        patient[key] = day(patient[key])
    for session in data["sessions"]:
        for key in ("started", "ended", "updated"):
            session[key] = day(session[key])
    data["deidentified"] = True
    return data


def parse_export(data: Any, protocol: Protocol) -> PatientRecord:
    """Check an export's format and content; answers are cleaned and checked against the protocol."""
    if not isinstance(data, dict):
        raise ImportRefused("not a backcoach export")
    fmt = data.get("format")
    if fmt != EXPORT_FORMAT:
        raise ImportRefused(f"unknown export format {str(fmt)[:40]!r}; this backcoach reads {EXPORT_FORMAT!r}")
    if data.get("deidentified"):
        raise ImportRefused("a de-identified export cannot be imported (its names and dates were replaced)")
    if data.get("schema") != SCHEMA_VERSION:
        raise ImportRefused(f"record schema {data.get('schema')!r:.40}; this backcoach reads schema {SCHEMA_VERSION}")
    try:
        record = PatientRecord.from_dict(data)
    except BackcoachError as exc:
        raise ImportRefused(str(exc)) from None
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise ImportRefused(f"not a valid backcoach record ({type(exc).__name__})") from None
    component_ids = {c.id for c in protocol.components}
    seen: set[str] = set()
    for session in record.sessions:
        if not isinstance(session.id, str) or not PATIENT_ID.fullmatch(session.id) or session.id in seen:
            raise ImportRefused(f"session id {str(session.id)[:40]!r} is invalid or repeated")
        seen.add(session.id)
        if session.patient_id != record.patient.id:
            raise ImportRefused(f"session {session.id} belongs to patient {str(session.patient_id)[:40]!r}")
        session.answers = _checked_answers(protocol, session.id, session.answers)
        if not all(isinstance(cid, str) for cid in session.done) or set(session.done) - component_ids:
            raise ImportRefused(f"session {session.id} marks an unknown component as done")
    return record


def _checked_answers(protocol: Protocol, session_id: str, answers: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(answers, dict):
        raise ImportRefused(f"session {session_id}: answers are not a table")
    fields = {(c.id, f.id): f for c in protocol.components for f in c.fields}
    checked: dict[str, dict[str, Any]] = {}
    for cid, given in answers.items():
        if not isinstance(given, dict):
            raise ImportRefused(f"session {session_id}: answers of {str(cid)[:40]!r} are not a table")
        for fid, value in given.items():
            spec = fields.get((cid, fid))
            if spec is None:
                raise ImportRefused(f"session {session_id}: protocol {protocol.id} has no field {cid}.{fid}"[:200])
            try:
                value = normalise_answer(protocol, spec, value)
            except BackcoachError as exc:
                raise ImportRefused(f"session {session_id}: {cid}.{exc}") from None
            if value is not None:
                checked.setdefault(cid, {})[fid] = value
    return checked


def read_export(path: Path, protocol: Protocol) -> PatientRecord:
    """The record a file holds; ImportRefused whatever is wrong with its content (OSError when it cannot be read)."""
    try:
        data = parse_json(read_regular(Path(path)))  # a FIFO or /dev/zero is refused, never waited on
    except (BadJSON, DamagedFile) as exc:
        raise ImportRefused(exc.reason) from None
    return parse_export(data, protocol)


@dataclass
class ImportOutcome:
    patient_id: str
    created: bool = False
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    patient_replaced: bool = False

    def describe(self) -> str:
        what = "new patient" if self.created else "patient details replaced" if self.patient_replaced else ""
        counts = f"{self.added} session(s) added, {self.replaced} replaced, {self.unchanged} unchanged"
        return f"patient {self.patient_id}: {counts}" + (f" ({what})" if what else "")


def import_record(
    home: Home, record: PatientRecord, *, replace: bool = False, protocol: Protocol | None = None
) -> ImportOutcome:
    """Merge `record` into the home through the store (the patient's lock, atomic writes). With the `protocol`, a
    stored session is compared as that pack names its options, so a session stored with ids an older pack used is
    the same session as its export (which carries the new ids)."""
    outcome = ImportOutcome(record.patient.id)
    if home.add_record(record):
        outcome.created, outcome.added = True, len(record.sessions)
        return outcome
    with home.open(record.patient.id) as writer:
        held = writer.record.sessions
        if protocol is not None:
            held = [replace_answers(s, answers=forwarded_answers(protocol, s.answers)) for s in held]
        stored = {s.id: s.to_dict() for s in held}
        new = [s for s in record.sessions if s.id not in stored]
        differing = [s for s in record.sessions if s.id in stored and stored[s.id] != s.to_dict()]
        patient_differs = writer.record.patient.to_dict() != record.patient.to_dict()
        if (differing or patient_differs) and not replace:
            parts = [f"session(s) {', '.join(s.id for s in differing[:5])}"] if differing else []
            parts += ["the patient's details"] if patient_differs else []
            raise ImportRefused(
                f"patient {record.patient.id}: {' and '.join(parts)} differ from what is stored; "
                "nothing imported (use --replace to overwrite)"
            )
        if patient_differs:
            writer.record.patient = record.patient
            writer.save_patient(touch=False)
        for session in [*new, *differing]:
            writer.save_session(session)
    outcome.added, outcome.replaced = len(new), len(differing)
    outcome.unchanged = len(record.sessions) - len(new) - len(differing)
    outcome.patient_replaced = patient_differs
    return outcome
