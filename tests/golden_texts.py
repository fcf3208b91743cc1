"""The golden files (tests/golden/): the fixture patient's clinician summaries and handouts as text and Markdown.

tests/test_summary.py only compares them with what backcoach renders now; `make golden` (scripts/update_golden.py)
is the one way to rewrite them, after the difference has been reviewed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from backcoach.model import PatientRecord
from backcoach.protocol import Protocol, builtin_protocol
from backcoach.store import Home
from backcoach.summary import clinician_summary, patient_handout, render
from tests.export_data import make_fixture_patient

GOLDEN = Path(__file__).parent / "golden"
UPDATE = "make golden"  # what a failing comparison tells the developer to run (scripts/update_golden.py)
SESSIONS = ((0, "initial"), (1, "follow-up"))
FORMATS = (("text", "txt"), ("md", "md"))


def golden_texts(record: PatientRecord, protocol: Protocol) -> dict[str, str]:
    """Each golden file's name and the text backcoach renders for it now."""
    texts = {}
    for index, kind in SESSIONS:
        session = record.sessions[index]
        assert session.kind == kind, (index, session.kind)
        for fmt, suffix in FORMATS:
            texts[f"summary-{kind}.{suffix}"] = render(clinician_summary(record, session, protocol), fmt)
            texts[f"handout-{kind}.{suffix}"] = render(patient_handout(record, session, protocol), fmt)
    return texts


def write_golden(out: Path = GOLDEN) -> list[Path]:
    """Render the fixture patient (in a temporary home) and write every golden file into `out`; returns them."""
    protocol = builtin_protocol()
    with tempfile.TemporaryDirectory() as tmp:
        texts = golden_texts(make_fixture_patient(Home(Path(tmp) / "home"), protocol), protocol)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(texts.items()):
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
