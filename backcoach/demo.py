"""Synthetic demo records written through the store API, for newcomers, students and benchmarks.

The vocabulary lives in seeds/demo/demo.en.toml; generation is seeded, so the same arguments give the same home
(every id and date included).
"""

from __future__ import annotations

import random
import tomllib
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, assert_never

from backcoach.errors import UsageError
from backcoach.model import Patient, PatientRecord, Session, goal_states, new_id
from backcoach.protocol import Component, Field, Protocol
from backcoach.store import Home


@cache
def vocabulary() -> dict[str, Any]:
    from backcoach.protocol import seed_file

    return tomllib.loads(seed_file("demo", "demo.en.toml").read_text(encoding="utf-8"))


def _goal(rng: random.Random, protocol: Protocol) -> dict[str, Any]:
    raw = rng.choice(vocabulary()["goals"])
    parts = {p.id: raw[p.id] for p in protocol.guidance.smart_parts if raw.get(p.id)}
    return {"id": new_id(rng=rng), "text": raw["text"], "parts": parts}


def _answer(
    rng: random.Random, protocol: Protocol, record: PatientRecord, session: Session, comp: Component, spec: Field
) -> Any:
    """A plausible answer for one field, by its type."""
    v = vocabulary()
    earlier = record.sessions[: record.sessions.index(session)]
    t = spec.type
    match t:
        case "text":
            pool = v["values"] if spec.id == "values" else v["motivations"] if spec.id == "motivation" else v["notes"]
            return rng.choice(pool)
        case "choice":
            return rng.choice(protocol.options(spec)).id
        case "multi":
            opts = protocol.options(spec)
            return [o.id for o in rng.sample(opts, k=rng.randint(1, min(3, len(opts))))]
        case "scale":
            return rng.randint(spec.min, spec.max)
        case "stage":
            return rng.choice(protocol.guidance.stages).id
        case "goal_list":
            return [_goal(rng, protocol) for _ in range(rng.randint(1, 2))]
        case "rating_list":
            before = next((s.answer(comp.id, spec.id) for s in reversed(earlier) if s.answer(comp.id, spec.id)), None)
            if before:
                return [{**item, "rating": max(spec.min, item["rating"] - rng.randint(0, 3))} for item in before]
            items = rng.sample(v["feared"], k=rng.randint(1, 3))
            return [{"id": new_id(rng=rng), "item": item, "rating": rng.randint(4, spec.max)} for item in items]
        case "goal_review":
            return _reviews(rng, protocol, record, session, spec)
        case _:
            assert_never(t)


def _reviews(
    rng: random.Random, protocol: Protocol, record: PatientRecord, session: Session, spec: Field
) -> list[dict[str, Any]]:
    """A review of each goal still active before `session`: attained or not, then closed, kept or adjusted."""
    v = vocabulary()
    reviews = []
    for state in goal_states(record, protocol, upto=session):
        if not state.active:
            continue
        attainment = rng.choice(spec.attainment).id
        decision = "close" if attainment == "achieved" else rng.choice(["keep", "adjust"])
        review = {
            "goal_id": state.id,
            "attainment": attainment,
            "decision": decision,
            "note": rng.choice(v["notes"]),
        }
        if decision == "adjust":
            review["revised"] = {**_goal(rng, protocol), "id": state.id}
        reviews.append(review)
    return reviews


def fill_session(rng: random.Random, protocol: Protocol, record: PatientRecord, session: Session) -> None:
    for comp in protocol.components:
        if rng.random() < 0.15:
            continue  # not every component is reached in every session
        for spec in comp.fields:
            value = _answer(rng, protocol, record, session, comp, spec)
            if value:
                session.set_answer(protocol, comp.id, spec.id, value)


def make_demo_home(
    home: Home,
    protocol: Protocol,
    patients: int,
    sessions: int,
    *,
    seed: int = 7,
    first: int = 0,
    open_last: bool = True,
) -> list[str]:
    """Add `patients` synthetic patients with `sessions` sessions each; returns their ids. Everything written comes
    from the seed (ids and dates too, the patient added on the day of their first session): the same arguments
    give the same files, byte for byte."""
    rng = random.Random(seed + first)
    v = vocabulary()
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    ids = []
    for n in range(first, first + patients):
        name = f"{rng.choice(v['first_names'])} {rng.choice(v['last_names'])}"
        born = rng.randint(1940, 2005)
        when = start + timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 8))
        patient = Patient(id=f"demo{n:05d}", name=name, born=born, created=when, updated=when)
        if not home.add_record(PatientRecord(patient=patient, sessions=[])):
            raise UsageError(f"patient id {patient.id!r} is already taken")
        ids.append(patient.id)
        with home.open(patient.id) as writer:
            for k in range(sessions):
                session = writer.record.new_session(protocol)
                session.id = new_id(10, rng)
                session.started = when
                fill_session(rng, protocol, writer.record, session)
                if k < sessions - 1 or not open_last or rng.random() < 0.7:
                    session.complete()
                    session.ended = when + timedelta(minutes=rng.randint(25, 50))
                session.updated = session.ended or when
                writer.save_session(session)
                when += timedelta(days=rng.randint(14, 35))
    return ids
