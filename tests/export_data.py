"""A fixture patient for the export tests: an initial and a follow-up session with fixed dates and ids, and
hostile text in every kind of field (markup, HTML, a link, a terminal escape that bypassed cleaning)."""

from __future__ import annotations

from datetime import UTC, datetime

from backcoach.model import PatientRecord, Session
from backcoach.protocol import Protocol
from backcoach.store import Home

HOSTILE = "<script>alert(1)</script> [link=javascript:x]click[/link] [bold]loud[/] [@click=app.quit]q"
PATIENT_ID = "p-fixture"


def _at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 9, 30, tzinfo=UTC)


def _session(record: PatientRecord, protocol: Protocol, sid: str, when: datetime, answers: dict) -> Session:
    session = record.new_session(protocol)
    session.id = sid
    for (cid, fid), value in answers.items():
        session.set_answer(protocol, cid, fid, value)
    session.complete()
    session.started, session.ended, session.updated = when, when.replace(hour=10), when.replace(hour=10)
    return session


INITIAL = {
    ("planning.goals", "values"): f"Gardening with my grandchildren {HOSTILE}",
    ("planning.goals", "goals"): [
        {
            "id": "g1",
            "text": "Walk to the market and back",
            "parts": {"specific": "With my neighbour", "measurable": "3 times a week", "time_bound": "By April"},
        },
        {"id": "g2", "text": "Have less pain when I lift *things*", "parts": {}},
    ],
    ("planning.goals", "motivation"): "I miss the garden.\n# Not a heading\n1. not a list",
    ("planning.shared_decision", "options_discussed"): ["advice", "exercise"],
    ("planning.shared_decision", "decision"): "Short walks every day, building up slowly",
    ("planning.shared_decision", "affirmed"): "yes",
    ("planning.readiness", "stage"): "preparation",
    ("planning.readiness", "confidence"): 6,
    ("delivery.sense_making", "key_messages"): ["strong_back", "hurt_not_harm"],
    ("delivery.sense_making", "sources"): "The NHS back pain pages",
    ("delivery.successful_experiences", "feared_activities"): [
        {"id": "f1", "item": "Bending to lift the laundry basket", "rating": 8},
        {"id": "f2", "item": "Running for the bus", "rating": 6},
    ],
    ("delivery.pain_emotion_tools", "strategies"): ["breathing", "pacing"],
    ("evaluation.action_plan", "flare_up_plan"): "Keep moving gently, use the breathing, shorter walks",
    ("evaluation.action_plan", "seek_help"): "If the warning signs appear, or no better in 6 weeks",
    ("evaluation.action_plan", "red_flags_reviewed"): ["bladder", "fever"],
}

FOLLOW_UP = {
    ("evaluation.goal_review", "review"): [
        {"goal_id": "g1", "attainment": "partly", "note": "Walked twice a week", "decision": "keep"},
        {
            "goal_id": "g2",
            "attainment": "not_at_all",
            "note": "Afraid to try",
            "decision": "adjust",
            "revised": {"text": "Hang the washing out with a half-full basket", "parts": {"time_bound": "In 2 weeks"}},
        },
    ],
    ("planning.readiness", "stage"): "action",
    ("planning.readiness", "confidence"): 8,
    ("delivery.successful_experiences", "feared_activities"): [
        {"id": "f1", "item": "Bending to lift the laundry basket", "rating": 5},
        {"id": "f2", "item": "Running for the bus", "rating": 6},
        {"id": "f3", "item": "Digging", "rating": 7},
    ],
    ("evaluation.action_plan", "flare_up_plan"): "Keep moving gently and pace the garden work",
}


def make_fixture_patient(home: Home, protocol: Protocol) -> PatientRecord:
    """Store the fixture patient through the store's API and return the record as loaded back."""
    home.add_patient(f"Ada {HOSTILE}", patient_id=PATIENT_ID, born=1971)
    with home.open(PATIENT_ID) as writer:
        record = writer.record
        first = _session(record, protocol, "s-initial", _at(2), INITIAL)
        # a terminal escape as an imported or hand-edited file could hold it (cleaning on input removes it)
        first.answers["planning.readiness"]["barriers"] = "Work \x1b[2J\x1b]8;;javascript:x\x07shifts"
        writer.save_session(first)
        writer.save_session(_session(record, protocol, "s-follow", _at(30), FOLLOW_UP))
    return home.load(PATIENT_ID)
