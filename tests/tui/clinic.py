"""A small clinic with fixed dates, for the TUI tests and the user-guide screenshots (scripts/screenshots.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from backcoach.protocol import Protocol
from backcoach.store import Home

JAN = datetime(2026, 1, 12, 12, 0, tzinfo=UTC)
FEB = datetime(2026, 2, 9, 12, 0, tzinfo=UTC)
HOSTILE = "[bold]x[/] [@click=app.quit]q[/] [link=javascript:x]l[/link] <script>s</script> \x1b[2J"


def fixed_clock() -> datetime:
    return datetime(2026, 2, 9, 12, 34, 56)


def add_session(home: Home, protocol: Protocol, pid: str, started: datetime, answers: dict, complete: bool):
    """A session with fixed dates and id (`<patient>-s<n>`): answers is {(component id, field id): value}."""
    with home.open(pid) as writer:
        session = writer.record.new_session(protocol)
        session.id = f"{pid}-s{len(writer.record.sessions)}"
        for (comp, field), value in answers.items():
            session.set_answer(protocol, comp, field, value)
        if complete:
            session.complete()
            session.ended = started
        session.started = session.updated = started
        writer.save_session(session)
        return session


INITIAL = {
    ("planning.goals", "values"): "Playing with my grandchildren; gardening",
    ("planning.goals", "goals"): [
        {
            "id": "g1",
            "text": "Walk to the market and back three times a week",
            "parts": {"specific": "To the market on foot", "time_bound": "In four weeks"},
        },
        {"id": "g2", "text": "I want to be pain free", "parts": {}},
    ],
    ("planning.readiness", "stage"): "preparation",
    ("planning.readiness", "confidence"): 7,
    ("delivery.successful_experiences", "feared_activities"): [
        {"id": "f1", "item": "Lifting a shopping bag", "rating": 8},
        {"id": "f2", "item": "Bending to the floor", "rating": 6},
    ],
    ("delivery.sense_making", "key_messages"): ["strong_back", "hurt_not_harm"],
    ("evaluation.action_plan", "flare_up_plan"): "Keep walking, shorter walks, breathing exercises",
    ("evaluation.action_plan", "red_flags_reviewed"): ["bladder", "bowel"],
}


def demo_clinic(home: Home, protocol: Protocol) -> Home:
    """Ann (a completed initial session) and Bo (new)."""
    home.add_patient("Ann Example", patient_id="ann", born=1968)
    home.add_patient("Bo Newman", patient_id="bo", born=1990)
    add_session(home, protocol, "ann", JAN, INITIAL, complete=True)
    return home
