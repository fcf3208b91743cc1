"""Bench rows for batch export: html export per session against a bare Rich render + export_html of the same
summary, and the speed-up of two worker processes over one.

The data is written through the store's API (one atomic write per patient): PATIENTS × SESSIONS = 10,002
sessions, as the issue asks; these two rows take about three minutes on two cores.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import Measurement, timed

from backcoach.batch_export import ExportJob, Tally, run_export
from backcoach.model import Patient, PatientRecord
from backcoach.protocol import Protocol, builtin_protocol
from backcoach.store import Home
from backcoach.summary import clinician_summary
from backcoach.summary.rich_view import renderable

PATIENTS = 1667
SESSIONS = 6  # per patient: 10,002 sessions in all, the size the issue names
WORDS = (
    "walk", "garden", "lift", "stairs", "work", "sleep", "bus", "bike", "swim", "friends", "grandchildren", "cook",
)  # fmt: skip


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _fill(protocol: Protocol, record: PatientRecord, rng: random.Random, when: datetime) -> None:
    """One session with an answer in most fields, the way a full consultation leaves it."""
    session = record.new_session(protocol)
    earlier = [g for s in record.sessions[:-1] for g in s.answer("planning.goals", "goals", []) or []]
    for comp in protocol.components:
        for field in comp.fields:
            t = field.type
            if t == "text":
                value = _words(rng, rng.randint(4, 30))
            elif t in ("choice", "multi"):
                ids = [o.id for o in protocol.options(field)]
                value = rng.choice(ids) if t == "choice" else rng.sample(ids, rng.randint(1, 3))
            elif t == "stage":
                value = rng.choice([s.id for s in protocol.guidance.stages])
            elif t == "scale":
                value = rng.randint(field.min, field.max)
            elif t == "goal_list":
                parts = {p.id: _words(rng, 4) for p in protocol.guidance.smart_parts}
                value = [
                    {"id": f"g{len(record.sessions)}{i}", "text": _words(rng, 6), "parts": parts} for i in range(2)
                ]
            elif t == "rating_list":
                value = [{"id": f"f{i}", "item": WORDS[i], "rating": rng.randint(0, 10)} for i in range(3)]
            else:
                value = [{"goal_id": g["id"], "attainment": "partly", "note": _words(rng, 5), "decision": "keep"}
                         for g in earlier]  # fmt: skip
            session.set_answer(protocol, comp.id, field.id, value)
    session.complete()
    session.started = when


def make_home(root: Path, protocol: Protocol, patients: int = PATIENTS, sessions: int = SESSIONS) -> Home:
    home = Home(root)
    rng = random.Random(7)
    for n in range(patients):
        record = PatientRecord(Patient(id=f"bench{n:05d}", name=f"Bench Patient {n}", born=1950 + n % 50))
        start = datetime(2025, 1, 1, 9, tzinfo=UTC) + timedelta(days=n % 200)
        for k in range(sessions):
            _fill(protocol, record, rng, start + timedelta(weeks=4 * k))
        home.add_record(record)
    return home


def measurements(workdir: Path) -> list[Measurement]:
    protocol = builtin_protocol()
    home = make_home(workdir / "export-home", protocol)
    ids = home.patient_ids()
    total = len(ids) * SESSIONS
    out = workdir / "export-out"  # rewritten (--force) by every run, so no run pays for deleting files
    out.mkdir()
    sample = [(rec, s) for _, rec in home.records(ids[:10]) for s in rec.sessions]

    def batch(workers: int):
        def run() -> None:
            tally = Tally()
            for result in run_export(ExportJob(home.root, fmt="html", out=out, force=True), ids, workers=workers):
                tally.add(result)
            assert tally.ok and tally.written == total, tally.line(out)

        return run

    def per_session(fn, count: int):
        return lambda: timed(fn)() / count

    def rich_html() -> None:
        from rich.console import Console

        for record, session in sample:
            console = Console(record=True, file=io.StringIO(), width=100)
            console.print(renderable(clinician_summary(record, session, protocol)))
            console.export_html()

    return [
        Measurement(
            f"export html, 1 worker, per session ({total})",
            per_session(batch(1), total),
            per_session(rich_html, len(sample)),
            max_ratio=2.0,
            repeat=3,
        ),
        Measurement(
            f"export html, 2 workers vs 1 ({total} sessions)", timed(batch(2)), timed(batch(1)), min_ratio=1.6, repeat=3
        ),
    ]
