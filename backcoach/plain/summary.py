"""A minimal clinician summary for the end of a plain consultation.

Stand-in until `backcoach.summary.clinician_renderable(record, session, protocol)` exists: same signature, so
swapping it in is a one-line import change in backcoach/plain/flow.py.
"""

from __future__ import annotations

from rich.console import Group, RenderableType

from backcoach.model import PatientRecord, Session, goal_states
from backcoach.plain.show import Lines, answer_block
from backcoach.protocol import Protocol


def clinician_renderable(record: PatientRecord, session: Session, protocol: Protocol) -> RenderableType:
    """The session's answers by phase and component, with coverage."""
    patient = record.patient
    goals = {g.id: g.goal for g in goal_states(record, protocol, upto=session)}
    covered = session.covered(protocol)
    parts: list[RenderableType] = [
        Lines([f"{patient.name} ({patient.id})"], "bold"),
        Lines(
            [
                f"{session.kind} session, {session.started:%Y-%m-%d}, {session.status}",
                f"Components addressed: {len(covered)} of {len(protocol.components)}",
            ]
        ),
    ]
    for phase in protocol.phases:
        comps = [c for c in phase.components if c.id in covered]
        if not comps:
            continue
        parts.append(Lines(["", phase.title], "bold underline"))
        for comp in comps:
            parts.append(Lines([f"{comp.number}. {comp.title}"], "bold"))
            given = session.answers.get(comp.id, {})
            parts += [answer_block(protocol, f, given[f.id], goals) for f in comp.fields if f.id in given]
    return Group(*parts)
