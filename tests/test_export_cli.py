"""`backcoach export` and `backcoach import` as a user runs them, on real files in a temporary home."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat

import pytest

from backcoach.model import Patient, PatientRecord
from backcoach.store import Home
from tests.export_data import HOSTILE, PATIENT_ID, make_fixture_patient
from tests.helpers import run_main


@pytest.fixture
def run(home, monkeypatch, capsys):
    def run(*args: str, home_dir=None) -> tuple[int, str, str]:
        return run_main(monkeypatch, capsys, "--home", str(home_dir or home.root), *args)

    return run


@pytest.fixture
def fixture_home(home, protocol) -> Home:
    make_fixture_patient(home, protocol)
    return home


def test_prints_the_latest_session_or_the_chosen_one(run, fixture_home):
    code, out, _ = run("export", PATIENT_ID)
    assert code == 0 and "s-follow · follow-up" in out and HOSTILE in out.replace("\n          ", " ")
    code, out, _ = run("export", PATIENT_ID, "--session", "s-initial", "--handout", "--format", "md")
    assert code == 0 and out.startswith("# Your back: your plan") and "2026-03-02" in out


def test_json_to_stdout_imports_into_an_empty_home(run, fixture_home, tmp_path):
    code, out, _ = run("export", PATIENT_ID, "--format", "json")
    assert code == 0 and json.loads(out)["format"] == "backcoach.export/1"
    (tmp_path / "p.json").write_text(out)
    empty = tmp_path / "empty"
    assert run("import", str(tmp_path / "p.json"), home_dir=empty)[0] == 0
    code, again, _ = run("export", PATIENT_ID, "--format", "json", home_dir=empty)
    record = PatientRecord.from_dict(json.loads(again))
    assert code == 0 and [s.id for s in record.sessions] == ["s-initial", "s-follow"]


def test_import_reports_refused_files_and_exits_1(run, home, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"format": "backcoach.export/9"}))
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    code, _, err = run("import", str(good), str(broken), str(tmp_path / "missing.json"))
    assert code == 1
    assert "unknown export format 'backcoach.export/9'" in err and "not valid JSON" in err
    assert "missing.json: cannot read" in err


def test_usage_errors(run, fixture_home, tmp_path):
    assert run("export")[0] == 2
    assert run("export", PATIENT_ID, "--all")[0] == 2
    assert run("export", "--all")[0] == 2  # printing takes one patient
    assert run("export", PATIENT_ID, "--format", "docx")[0] == 2
    assert run("export", PATIENT_ID, "--format", "json", "--handout")[0] == 2
    code, _, err = run("export", PATIENT_ID, "--since", "2026-02-30")
    assert code == 2 and err.count("\n") == 1
    assert run("export", "nobody")[0] == 1
    assert run("export", PATIENT_ID, "--session", "nope")[0] == 2
    fixture_home.add_patient("New", patient_id="p-new")
    code, _, err = run("export", "p-new")
    assert code == 1 and "has no sessions yet" in err


def test_files_are_private_safely_named_and_never_silently_overwritten(run, fixture_home, tmp_path):
    out = tmp_path / "out"
    code, stdout, _ = run("export", "--all", "--out", str(out), "--format", "html", "--handout")
    assert code == 0 and stdout.startswith("2 file(s) written")
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        f"{PATIENT_ID}_2026-03-02_s-initial_handout.html",
        f"{PATIENT_ID}_2026-03-30_s-follow_handout.html",
    ]
    assert all(stat.S_IMODE((out / n).stat().st_mode) == 0o600 for n in names)
    (out / names[0]).write_text("mine")
    code, stdout, err = run("export", "--all", "--out", str(out), "--format", "html", "--handout")
    assert code == 1 and "2 not written because they exist (use --force)" in stdout
    assert (out / names[0]).read_text() == "mine"
    assert run("export", "--all", "--out", str(out), "--format", "html", "--handout", "--force")[0] == 0
    assert (out / names[0]).read_text().startswith("<!DOCTYPE html>")


def test_deidentified_batch_warns_and_hides_names_and_dates(run, fixture_home, tmp_path):
    out = tmp_path / "out"
    code, _, err = run("export", PATIENT_ID, "--out", str(out), "--format", "md", "--deidentify")
    assert code == 0 and "free text" in err and "not scrubbed" in err
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"{PATIENT_ID}_day0_s-initial.md", f"{PATIENT_ID}_day28_s-follow.md"]
    assert not any("Ada" in (out / n).read_text() or "2026" in (out / n).read_text() for n in names)


def test_since_and_until_select_sessions(run, fixture_home, tmp_path):
    out = tmp_path / "out"
    code, stdout, _ = run("export", "--all", "--out", str(out), "--since", "2026-03-10", "--until", "2026-03-31")
    assert code == 0 and [p.name for p in out.iterdir()] == [f"{PATIENT_ID}_2026-03-30_s-follow.txt"]


def test_batch_of_200_sessions_with_one_damaged_patient_file(run, home, protocol, tmp_path):
    """50 patients × 4 sessions and one damaged file: 200 files written, the damage reported, exit 1."""
    for n in range(50):
        record = PatientRecord(Patient(id=f"p{n:03d}", name=f"Patient {n}"))
        for _ in range(4):
            session = record.new_session(protocol)
            session.set_answer(protocol, "planning.goals", "values", f"Walking {n} <b>x</b>")
            session.set_answer(protocol, "delivery.successful_experiences", "feared_activities",
                               [{"id": "f1", "item": "Lifting", "rating": n % 11}])  # fmt: skip
        assert home.add_record(record)
    home.add_patient("Broken", patient_id="p-broken")
    home.patient_path("p-broken").write_text('{"meta": {"1": {"schema": 1}}, "patient": {"1": {"id": "p-br')
    out = tmp_path / "out"
    code, stdout, err = run("export", "--all", "--out", str(out), "--format", "html")
    assert code == 1
    assert len(list(out.glob("*.html"))) == 200
    assert re.fullmatch(
        r"200 file\(s\) written to .+ \(200 session\(s\) of 51 patient\(s\)\); 1 patient\(s\) failed\n", stdout
    )
    assert "p-broken" in err and "damaged" in err and err.count("\n") == 1


def test_export_one_for_a_screen_never_replaces_a_file(fixture_home, protocol, tmp_path):
    from backcoach.batch_export import export_one

    record = fixture_home.load(PATIENT_ID)
    first = export_one(record, record.sessions[1], protocol, tmp_path, "html", handout=True)
    second = export_one(record, record.sessions[1], protocol, tmp_path, "html", handout=True)
    assert first.name == f"{PATIENT_ID}_2026-03-30_s-follow_handout.html"
    assert second.name == f"{PATIENT_ID}_2026-03-30_s-follow_handout-2.html"
    assert first.read_text() == second.read_text() and stat.S_IMODE(second.stat().st_mode) == 0o600
    record_file = export_one(record, record.sessions[1], protocol, tmp_path, "json")
    assert record_file.name == f"{PATIENT_ID}.json" and len(json.loads(record_file.read_text())["sessions"]) == 2


def test_import_goes_on_past_a_damaged_stored_file_and_exits_3(run, fixture_home, tmp_path):
    """The stored file of the first patient is damaged: it is reported and kept; the next file is imported."""
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(run("export", PATIENT_ID, "--format", "json")[1])
    fixture_home.add_patient("Other", patient_id="other")
    second.write_text(run("export", "other", "--format", "json")[1])
    damaged = b'{"meta": {"1": {"sch'
    fixture_home.patient_path(PATIENT_ID).write_bytes(damaged)
    code, out, err = run("import", str(first), str(second), home_dir=fixture_home.root)
    assert code == 3
    assert "first.json" in err and "damaged" in err and err.count("\n") == 1
    assert "second.json: patient other" in out and "1 file(s) imported, 1 refused" in out
    assert fixture_home.patient_path(PATIENT_ID).read_bytes() == damaged


def test_deidentified_day_numbers_agree_across_formats_and_filters(run, fixture_home, tmp_path):
    """Day 0 is the patient's first session whatever --since keeps, in json as in the summaries."""
    args = ("export", PATIENT_ID, "--deidentify", "--since", "2026-03-10")
    code, text, _ = run(*args)
    assert code == 0 and "day 28" in text
    code, raw, _ = run(*args, "--format", "json")
    (follow_up,) = json.loads(raw)["sessions"]
    assert code == 0 and follow_up["started"] == 28


def test_out_into_the_stores_own_folders_is_refused(run, fixture_home, monkeypatch, capsys):
    """`--out <home>/patients --force -f json` would replace the patient's own file with an export."""
    before = fixture_home.patient_path(PATIENT_ID).read_bytes()
    for folder in (fixture_home.patients_dir, fixture_home.practice_dir / "meta"):
        code, _, err = run("export", PATIENT_ID, "--format", "json", "--force", "--out", str(folder))
        assert code == 2 and "inside the data folder" in err and err.count("\n") == 1
        code, _, err = run_main(
            monkeypatch, capsys, "--home", str(fixture_home.root), "practice", "report", "--force", "--out", str(folder)
        )
        assert code == 2 and "inside the data folder" in err
    assert fixture_home.patient_path(PATIENT_ID).read_bytes() == before


def test_import_names_a_write_error_as_one_in_the_home_not_in_the_file(run, fixture_home, tmp_path):
    exported = tmp_path / "p.json"
    exported.write_text(run("export", PATIENT_ID, "--format", "json")[1])
    broken_home = tmp_path / "broken-home"
    broken_home.mkdir()
    (broken_home / "patients").write_text("not a folder")
    code, _, err = run("import", str(exported), home_dir=broken_home)  # a damaged home (exit 3), as readers say
    assert code == 3 and "cannot read" not in err and f"{broken_home / 'patients'}" in err


def _children(pid: int) -> set[int]:
    import subprocess

    rows = subprocess.run(["ps", "-A", "-o", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    return {int(p) for p, pp in (r.split() for r in rows.splitlines()) if int(pp) == pid}


def _running(pid: int) -> bool:
    import subprocess

    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(state) and not state.startswith("Z")  # a zombie has exited; only its parent has not reaped it


@pytest.mark.skipif(os.name != "posix" or not shutil.which("ps"), reason="needs POSIX signals and ps")
def test_killing_export_all_ends_its_workers(home, protocol, tmp_path):
    """A SIGKILLed `export --all` left its pool workers alive for ever, blocked on the pool's pipe."""
    import signal
    import subprocess
    import sys
    import time

    from backcoach.demo import make_demo_home

    make_demo_home(home, protocol, 40, 2, seed=3)
    for n in range(3000):  # damaged files: each is a line on stderr, which the test does not read, so the parent
        (home.patients_dir / f"zz{n:05d}.json").write_text("{")  # blocks writing it while its pool is up
    env = {**os.environ, "BACKCOACH_HOME": str(home.root)}
    parent = subprocess.Popen(
        [sys.executable, "-m", "backcoach", "export", "--all", "-f", "html", "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while len(workers := _children(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) >= 2, "the export never started its pool"
        time.sleep(1)  # the parent is now blocked on its full stderr pipe, the workers on the pool's
        assert parent.poll() is None
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while (alive := {w for w in workers if _running(w)}) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive, f"workers {sorted(alive)} outlived their parent"
    finally:
        parent.kill()
        for w in _children(parent.pid) | set(locals().get("workers", ())):
            with contextlib.suppress(ProcessLookupError):
                os.kill(w, signal.SIGKILL)


def test_since_after_until_is_a_usage_error(run, fixture_home, tmp_path):
    code, out, err = run(
        "export", "--all", "--out", str(tmp_path / "o"), "--since", "2026-03-10", "--until", "2026-03-01"
    )
    assert code == 2 and err == "backcoach: --since 2026-03-10 is after --until 2026-03-01: no session can match\n"


def test_a_batch_export_is_durable_where_there_is_no_os_sync(run, fixture_home, tmp_path, monkeypatch):
    """The batch skips each file's fsync and syncs once with os.sync, which Windows lacks: there the tally
    reported files written that were not yet on disk."""
    synced = set()
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        st = os.fstat(fd)
        synced.add((st.st_dev, st.st_ino))

    monkeypatch.delattr(os, "sync", raising=False)
    monkeypatch.setattr(os, "fsync", fsync)
    out_dir = tmp_path / "o"
    code, out, _ = run("export", "--all", "--out", str(out_dir))
    assert code == 0 and out.startswith("2 file(s) written")
    written = [out_dir / name for name in sorted(os.listdir(out_dir))]
    assert len(written) == 2
    folder = [out_dir] if os.name == "posix" else []  # Windows cannot fsync a folder
    assert {(p.stat().st_dev, p.stat().st_ino) for p in written + folder} <= synced  # each file, and its folder
