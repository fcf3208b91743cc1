"""Demo records: realistic, valid against the protocol, written through the store, reproducible."""

import subprocess
import sys
from pathlib import Path

from backcoach.demo import make_demo_home
from backcoach.model import goal_states, normalise_answer
from backcoach.store import Home
from backcoach.store.maintenance import check_home
from tests.helpers import run_backcoach

ROOT = Path(__file__).resolve().parents[1]


def test_demo_home_is_valid_and_has_follow_ups(home, protocol):
    ids = make_demo_home(home, protocol, 4, 3)
    assert check_home(home).clean
    reviewed = 0
    for pid in ids:
        record = home.load(pid)
        assert [s.kind for s in record.sessions] == ["initial", "follow-up", "follow-up"]
        for session in record.sessions:
            for comp_id, fields in session.answers.items():
                for field_id, value in fields.items():
                    spec = protocol.component(comp_id).field(field_id)
                    assert normalise_answer(protocol, spec, value) == value
        states = goal_states(record, protocol)
        assert states
        reviewed += sum(len(state.history) for state in states)
    assert reviewed


def _files(home: Home) -> dict[str, bytes]:
    """Every file under the home (patient files, their .bak, lock files), by path, with its bytes."""
    return {p.relative_to(home.root).as_posix(): p.read_bytes() for p in sorted(home.root.rglob("*")) if p.is_file()}


def test_demo_generation_is_reproducible(tmp_path, protocol):
    """The same arguments give the same home, byte for byte: names, answers, ids, dates, every file."""
    a, b, other = Home(tmp_path / "a"), Home(tmp_path / "b"), Home(tmp_path / "other")
    assert make_demo_home(a, protocol, 3, 3) == ["demo00000", "demo00001", "demo00002"]
    make_demo_home(b, protocol, 3, 3)
    make_demo_home(other, protocol, 3, 3, seed=8)
    files = _files(a)
    assert sorted(files) == sorted(
        f"patients/demo0000{n}{ext}" for n in range(3) for ext in (".json", ".json.bak", ".lock")
    )
    assert _files(b) == files
    assert _files(other).keys() == files.keys() and _files(other) != files  # another seed: another home
    record = a.load("demo00000")
    assert record.patient.created == record.sessions[0].started  # the patient's dates are the demo's, not today's


def test_make_demo_data_script_and_demo_command(tmp_path):
    script = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_demo_data.py"), "--home", str(tmp_path / "s")]
        + ["--patients", "6", "--sessions", "2", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert script.returncode == 0, script.stderr
    assert len(Home(tmp_path / "s").index()) == 6
    made = run_backcoach("demo", str(tmp_path / "d"))
    assert made.returncode == 0 and f"--home {tmp_path / 'd'}" in made.stdout
    assert len(Home(tmp_path / "d").patient_ids()) == 8
    again = run_backcoach("demo", str(tmp_path / "d"))
    assert again.returncode == 2 and "already has patients" in again.stderr
