"""The domain model: patients, sessions and their answers. Pure data, no I/O, no UI.

Answers are keyed by component id, then field id, and hold plain JSON values whose shape follows the field's
type (see `normalise_answer`). Goals and their attainment history are derived from the answers of all of a
patient's sessions (`goal_states`), so there is exactly one place where each fact is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, assert_never

from backcoach.errors import BackcoachError, UsageError
from backcoach.protocol import ATTAINMENT_IDS, DECISION_IDS, Field, Protocol
from backcoach.textclean import MAX_LABEL_BYTES, check_size, clean_text, loaded_text

if TYPE_CHECKING:
    import random

SCHEMA_VERSION = 1
PATIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")  # whole ids only: always fullmatch
KINDS = ("initial", "follow-up")
STATUSES = ("open", "complete")
_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)
MAX_NAME_CHARS = 200


class AnswerError(BackcoachError):
    """An answer does not fit its field's type."""


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def new_id(length: int = 8, rng: random.Random | None = None) -> str:
    """A random id; from `rng` when given (seeded generation, such as the demo's, gives the same ids each time)."""
    if rng is None:
        import secrets  # here, not at the top: resuming a session needs no new id, and secrets costs ~1.5 ms to import

        return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))
    return "".join(rng.choice(_ID_ALPHABET) for _ in range(length))


def check_patient_id(patient_id: str) -> str:
    """Refuse any id that could name a path outside the patients folder."""
    if not isinstance(patient_id, str) or not PATIENT_ID.fullmatch(patient_id):
        shown = patient_id if isinstance(patient_id, str) and len(patient_id) <= 70 else f"{str(patient_id)[:20]}…"
        raise UsageError(
            f"invalid patient id {shown!r}: use 1–64 letters, digits, '-' or '_', starting with a letter or digit"
        )
    return patient_id


# Names Windows keeps for devices, whatever the extension: a patient file `nul.json` there is the null device, and
# everything "saved" to it is gone. Refused for new patients on every system, so a home can move to Windows.
_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"] + [f"{d}{n}" for d in ("com", "lpt") for n in "0123456789"]
)


def check_new_patient_id(patient_id: str) -> str:
    """`check_patient_id`, and not a name Windows keeps for a device (for a patient about to be created)."""
    check_patient_id(patient_id)
    if patient_id.casefold() in _DEVICE_NAMES:
        raise UsageError(f"invalid patient id {patient_id!r}: Windows keeps that name for a device; choose another")
    return patient_id


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str) -> datetime:
    """A stored time; one without a time zone (another tool's, or edited by hand) is taken as UTC, so every time
    compares with every other. A time the record must have (a patient's creation, a session's start) and does not
    is a ValueError, as a malformed one is (the store reports the file as damaged, an import refuses it)."""
    if not value:
        raise ValueError("a required time is missing")
    when = datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _dt_or_none(value: str | None) -> datetime | None:
    """A stored time that may be absent (a session's end)."""
    return _dt(value) if value else None


@dataclass
class Patient:
    """Who the sessions are for; the name is cleaned and checked when the object is made."""

    id: str
    name: str
    born: int | None = None
    created: datetime = field(default_factory=now)
    updated: datetime = field(default_factory=now)
    archived: bool = False

    def __post_init__(self) -> None:
        check_patient_id(self.id)
        self.name = clean_text(self.name, field="name").strip()
        if not self.name:
            raise UsageError("a patient needs a name")
        if len(self.name) > MAX_NAME_CHARS:
            raise UsageError(f"the name is {len(self.name)} characters; the limit is {MAX_NAME_CHARS}")
        if self.born is not None and not 1900 <= self.born <= now().year:  # from a file: maybe thousands of digits
            raise UsageError(f"year of birth {str(self.born):.12} is not between 1900 and {now().year}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "born": self.born,
            "created": _iso(self.created),
            "updated": _iso(self.updated),
            "archived": self.archived,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Patient:
        return cls(
            id=d["id"],
            name=d["name"],
            born=d.get("born"),
            created=_dt(d["created"]),
            updated=_dt(d["updated"]),
            archived=bool(d.get("archived", False)),
        )


@dataclass
class Session:
    """One consultation: its answers by component and field, open until completed."""

    id: str
    patient_id: str
    kind: str
    protocol_id: str
    protocol_version: str
    started: datetime = field(default_factory=now)
    ended: datetime | None = None
    updated: datetime = field(default_factory=now)
    status: str = "open"
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def answer(self, component_id: str, field_id: str, default: Any = None) -> Any:
        return self.answers.get(component_id, {}).get(field_id, default)

    def set_answer(self, protocol: Protocol, component_id: str, field_id: str, value: Any) -> bool:
        """Store one answer, normalised for its field; an empty value removes the answer. False when the
        normalised answer is the one stored already (nothing to save)."""
        if not self.is_open:
            raise UsageError(f"session {self.id} is complete and can no longer be changed")
        spec = _field(protocol, component_id, field_id)
        value = normalise_answer(protocol, spec, value)
        if value == self.answers.get(component_id, {}).get(field_id):
            return False
        if _is_empty(value):
            comp = self.answers.get(component_id, {})
            comp.pop(field_id, None)
            if not comp:
                self.answers.pop(component_id, None)
        else:
            self.answers.setdefault(component_id, {})[field_id] = value
        self.updated = now()
        return True

    def component_status(self, protocol: Protocol, component_id: str) -> str:
        """'not started', 'started' or 'done' (every field answered, or marked done)."""
        given = self.answers.get(component_id, {})
        if component_id in self.done:
            return "done"
        if not given:
            return "not started"
        comp = protocol.component(component_id)
        return "done" if all(f.id in given for f in comp.fields) else "started"

    def covered(self, protocol: Protocol) -> list[str]:
        """The components addressed in this session (any answer, or marked done), in protocol order."""
        return [c.id for c in protocol.components if c.id in self.answers or c.id in self.done]

    def complete(self) -> None:
        self.status = "complete"
        self.ended = self.updated = now()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "patient_id": self.patient_id,
            "kind": self.kind,
            "protocol_id": self.protocol_id,
            "protocol_version": self.protocol_version,
            "started": _iso(self.started),
            "ended": _iso(self.ended),
            "updated": _iso(self.updated),
            "status": self.status,
            "answers": self.answers,
            "done": list(self.done),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Session:
        if d.get("kind") not in KINDS or d.get("status") not in STATUSES:
            raise ValueError(f"session {d.get('id')!r} has an unknown kind or status")
        if not all(isinstance(d.get(key), str) for key in ("id", "patient_id", "protocol_id", "protocol_version")):
            raise ValueError("a session's id, patient id and protocol must be text")
        answers, done = d.get("answers") or {}, d.get("done") or []
        if not isinstance(answers, dict) or not all(isinstance(v, dict) for v in answers.values()):
            raise ValueError(f"session {d.get('id')!r}: answers are not a table per component")
        if not isinstance(done, list) or not all(isinstance(c, str) for c in done):
            raise ValueError(f"session {d.get('id')!r}: 'done' is not a list of component ids")
        return cls(  # ids are kept as stored (they link things; screens show their controls) but bounded
            id=check_size(d["id"], field="a session's id", limit=MAX_LABEL_BYTES),
            patient_id=check_size(d["patient_id"], field="a session's patient id", limit=MAX_LABEL_BYTES),
            kind=d["kind"],
            protocol_id=loaded_text(d["protocol_id"], field="a session's protocol_id"),
            protocol_version=loaded_text(d["protocol_version"], field="a session's protocol_version"),
            started=_dt(d["started"]),
            ended=_dt_or_none(d.get("ended")),
            updated=_dt(d.get("updated") or d["started"]),
            status=d["status"],
            answers=answers,
            done=list(done),
        )


@dataclass
class PatientRecord:
    """A patient with all their sessions, oldest first."""

    patient: Patient
    sessions: list[Session] = field(default_factory=list)

    def session(self, session_id: str) -> Session:
        for s in self.sessions:
            if s.id == session_id:
                return s
        raise BackcoachError(f"patient {self.patient.id} has no session {session_id!r}")

    @property
    def open_session(self) -> Session | None:
        return next((s for s in reversed(self.sessions) if s.is_open), None)

    @property
    def latest(self) -> Session | None:
        return self.sessions[-1] if self.sessions else None

    def new_session(self, protocol: Protocol) -> Session:
        """A new open session: 'initial' for the first, 'follow-up' after that."""
        session = Session(
            id=new_id(10),
            patient_id=self.patient.id,
            kind="follow-up" if self.sessions else "initial",
            protocol_id=protocol.id,
            protocol_version=protocol.version,
        )
        self.sessions.append(session)
        return session

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "patient": self.patient.to_dict(),
            "sessions": [s.to_dict() for s in self.sessions],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PatientRecord:
        sessions = sorted((Session.from_dict(s) for s in d.get("sessions", [])), key=lambda s: s.started)
        return cls(patient=Patient.from_dict(d["patient"]), sessions=sessions)


# --- answers -----------------------------------------------------------------------------------------------


def _field(protocol: Protocol, component_id: str, field_id: str) -> Field:
    try:
        return protocol.component(component_id).field(field_id)
    except StopIteration:
        raise AnswerError(f"the protocol has no field {component_id}.{field_id}") from None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _text(value: Any, where: str, stored: bool = False) -> str:
    """User text as typed (minus unsafe characters and trailing white space, unless `stored`: a space typed before
    the next word is no answer yet); text of only white space counts as empty."""
    if not isinstance(value, str):
        raise AnswerError(f"{where}: expected text")
    if stored:
        cleaned = check_size(value, field=where)
        return cleaned if cleaned.strip() else ""
    return clean_text(value, field=where).rstrip()


def _item_id(value: Any, where: str) -> str:
    """A goal's or rated item's id: a new one when there is none; one from a file is cleaned and bounded."""
    return loaded_text(str(value), field=where) if value else new_id()


def _int_in(value: Any, lo: int, hi: int, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise AnswerError(f"{where}: expected a whole number from {lo} to {hi}")
    return value


def normalise_goal(protocol: Protocol, goal: Any, where: str, stored: bool = False) -> dict[str, Any] | None:
    """A goal: {"id", "text", "parts": {smart part id: text}}; None when it has no text at all."""
    if not isinstance(goal, dict):
        raise AnswerError(f"{where}: expected a goal")
    part_ids = {p.id for p in protocol.guidance.smart_parts}
    given = goal.get("parts") or {}
    if not isinstance(given, dict):
        raise AnswerError(f"{where}.parts: expected a table of SMART parts")
    parts = {}
    for key, text in given.items():
        if key not in part_ids:
            raise AnswerError(f"{where}: unknown SMART part {key!r:.40}")
        cleaned = _text(text, f"{where}.{key}", stored)
        if cleaned:
            parts[key] = cleaned
    text = _text(goal.get("text", ""), f"{where}.text", stored)
    if not text and not parts:
        return None
    return {"id": _item_id(goal.get("id"), f"{where}.id"), "text": text, "parts": parts}


def normalise_answer(protocol: Protocol, spec: Field, value: Any, *, stored: bool = False) -> Any:
    """Check `value` against the field's type and clean its text. Shapes, by type:

    text: str · choice/stage: option id · multi: [option ids] · scale: int ·
    goal_list: [goal] · rating_list: [{"id", "item", "rating" (None: not rated yet)}] ·
    goal_review: [{"goal_id", "attainment", "note", "decision", "revised": goal or None}]

    With `stored=True` (a value read back from a file, to show it): text is kept as it is (renderers make its
    control characters visible) and an option id the pack does not have is kept (a session recorded with
    another version of the pack); the shape is still checked.
    """
    where = spec.id
    if _is_empty(value):
        return None
    t = spec.type
    match t:
        case "text":
            return _text(value, where, stored) or None
        case "choice" | "stage":
            ids = [s.id for s in protocol.guidance.stages] if t == "stage" else [o.id for o in protocol.options(spec)]
            if value not in ids and (not stored or not isinstance(value, str)):
                raise AnswerError(f"{where}: {value!r:.40} is not one of {', '.join(ids)}")
            return value
        case "multi":
            ids = [o.id for o in protocol.options(spec)]
            if isinstance(value, list):
                value = protocol.forward(spec, value)  # ids an older pack used (split or renamed) → the new ones
            if not isinstance(value, list) or not all(isinstance(v, str) and (v in ids or stored) for v in value):
                raise AnswerError(f"{where}: expected a list of: {', '.join(ids)}")
            unknown = dict.fromkeys(v for v in value if v not in ids)
            return [i for i in ids if i in value] + list(unknown)  # protocol order, no duplicates
        case "scale":
            return _int_in(value, spec.min, spec.max, where)
        case "goal_list":
            if not isinstance(value, list):
                raise AnswerError(f"{where}: expected a list of goals")
            goals = [normalise_goal(protocol, g, f"{where}[{i}]", stored) for i, g in enumerate(value)]
            return [g for g in goals if g] or None
        case "rating_list":
            return _rating_list(spec, value, where, stored)
        case "goal_review":
            return _goal_reviews(protocol, value, where, stored)
        case _:
            assert_never(t)


def _rating_list(spec: Field, value: Any, where: str, stored: bool) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        raise AnswerError(f"{where}: expected a list of rated items")
    items = []
    for i, raw in enumerate(value):
        if not isinstance(raw, dict):
            raise AnswerError(f"{where}[{i}]: expected an item with a rating")
        item = _text(raw.get("item", ""), f"{where}[{i}].item", stored)
        if item:  # named but not rated yet is kept: what was typed is never dropped
            rating = raw.get("rating")
            if rating is not None:
                rating = _int_in(rating, spec.min, spec.max, f"{where}[{i}].rating")
            items.append({"id": _item_id(raw.get("id"), f"{where}[{i}].id"), "item": item, "rating": rating})
    return items or None


def _goal_reviews(protocol: Protocol, value: Any, where: str, stored: bool) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        raise AnswerError(f"{where}: expected a list of goal reviews")
    reviews = []
    for i, raw in enumerate(value):
        w = f"{where}[{i}]"
        if not isinstance(raw, dict) or not raw.get("goal_id"):
            raise AnswerError(f"{w}: expected a review with a goal_id")
        attainment, decision = raw.get("attainment"), raw.get("decision")
        if attainment is not None and attainment not in ATTAINMENT_IDS:
            raise AnswerError(f"{w}.attainment: expected one of {', '.join(ATTAINMENT_IDS)}")
        if decision is not None and decision not in DECISION_IDS:
            raise AnswerError(f"{w}.decision: expected one of {', '.join(DECISION_IDS)}")
        revised = raw.get("revised")
        revised = normalise_goal(protocol, revised, f"{w}.revised", stored) if revised else None
        goal_id = _item_id(raw["goal_id"], f"{w}.goal_id")
        if revised:
            revised["id"] = goal_id
        reviews.append(
            {
                "goal_id": goal_id,
                "attainment": attainment,
                "note": _text(raw.get("note", ""), f"{w}.note", stored),
                "decision": decision,
                "revised": revised if decision == "adjust" else None,
            }
        )
    return reviews or None


def fitting_answers(protocol: Protocol, answers: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The answers whose values fit their field's type, for showing a stored session that no save has checked
    (a hand-edited or imported file): a value of another shape is left out; answers to components or fields the
    pack does not have are kept as they are (whatever walks the pack never reaches them)."""
    fields = {(c.id, f.id): f for c in protocol.components for f in c.fields}
    fitting: dict[str, dict[str, Any]] = {}
    for cid, given in answers.items():
        for fid, value in given.items():
            spec = fields.get((cid, fid))
            if spec is not None:
                try:
                    value = normalise_answer(protocol, spec, value, stored=True)
                except BackcoachError:
                    continue
            if value is not None:
                fitting.setdefault(cid, {})[fid] = value
    return fitting


def forwarded_answers(protocol: Protocol, answers: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The answers with option ids an older pack used mapped to this pack's (`Protocol.forward`), and nothing else
    changed: what an export writes and an import compares, so a record saved before a pack renamed or split an
    option leaves with the new ids and is recognised as the same record when it comes back."""
    fields = {(c.id, f.id): f for c in protocol.components for f in c.fields if f.type == "multi"}
    out: dict[str, dict[str, Any]] = {}
    for cid, given in answers.items():
        out[cid] = dict(given) if isinstance(given, dict) else given
        if not isinstance(given, dict):
            continue
        for fid, value in given.items():
            spec = fields.get((cid, fid))
            if spec is not None and isinstance(value, list) and all(isinstance(v, str) for v in value):
                forwarded = protocol.forward(spec, value)
                if forwarded != value:
                    ids = [o.id for o in protocol.options(spec)]
                    out[cid][fid] = [i for i in ids if i in forwarded] + [v for v in forwarded if v not in ids]
    return out


def forwarded_record(record: PatientRecord, protocol: Protocol) -> PatientRecord:
    """A copy of `record` whose sessions' answers are `forwarded_answers`."""
    sessions = [replace(s, answers=forwarded_answers(protocol, s.answers)) for s in record.sessions]
    return PatientRecord(record.patient, sessions)


def fitting_record(record: PatientRecord, protocol: Protocol) -> PatientRecord:
    """A copy of `record` whose sessions hold only the answers that fit the pack (see `fitting_answers`)."""
    sessions = [replace(s, answers=fitting_answers(protocol, s.answers)) for s in record.sessions]
    return PatientRecord(record.patient, sessions)


# --- goals across sessions ---------------------------------------------------------------------------------


@dataclass
class GoalEvent:
    """One follow-up's evaluation of a goal."""

    session_id: str
    date: datetime
    attainment: str | None
    note: str
    decision: str | None
    previous_text: str | None = None  # the wording before an adjustment


@dataclass
class GoalState:
    """A goal as it stands after every session so far, with its attainment history."""

    goal: dict[str, Any]
    set_in: str  # session id
    set_on: datetime
    history: list[GoalEvent] = field(default_factory=list)

    @property
    def id(self) -> str:
        goal_id: str = self.goal["id"]
        return goal_id

    @property
    def active(self) -> bool:
        return not self.history or self.history[-1].decision != "close"


def goal_states(record: PatientRecord, protocol: Protocol, upto: Session | None = None) -> list[GoalState]:
    """Every goal set in the patient's sessions (up to and excluding `upto`), with its reviews applied."""
    goal_fields = protocol.fields_of_type("goal_list")
    review_fields = protocol.fields_of_type("goal_review")
    states: dict[str, GoalState] = {}
    for session in record.sessions:
        if upto is not None and session.id == upto.id:
            break
        for comp, spec in review_fields:
            for review in session.answer(comp.id, spec.id, []) or []:
                state = states.get(review["goal_id"])
                if state is None:
                    continue
                event = GoalEvent(
                    session.id,
                    session.started,
                    review.get("attainment"),
                    review.get("note", ""),
                    review.get("decision"),
                )
                if review.get("decision") == "adjust" and review.get("revised"):
                    event.previous_text = state.goal["text"]
                    state.goal = dict(review["revised"])
                state.history.append(event)
        for comp, spec in goal_fields:
            for goal in session.answer(comp.id, spec.id, []) or []:
                if goal["id"] not in states:
                    states[goal["id"]] = GoalState(dict(goal), session.id, session.started)
    return list(states.values())
