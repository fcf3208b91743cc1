"""A scripted practice attempt end to end on a real home (no UI), and the CLI around attempts."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from backcoach.errors import BackcoachError, UsageError
from backcoach.practice.attempts import AttemptStore
from backcoach.practice.cases import find_case
from backcoach.practice.session import PracticeSession
from backcoach.render.practice_report import render
from tests.helpers import run_main as run_cli
from tests.practice_helpers import Clock, perfect_answers

HOSTILE = "[bold]x[/] [@click=app.quit] [link=javascript:x] <script>alert(1)</script>"


def play_perfectly(session: PracticeSession, clock: Clock) -> None:
    """Ask every bullet the rubric wants, answer every field it checks, spending a minute per phase."""
    earlier = session.consultation.earlier_goals()
    answers, asked = perfect_answers(session.case, session.protocol, earlier)
    for component_id, how in sorted(
        asked, key=lambda a: session.protocol.components.index(session.protocol.component(a[0]))
    ):
        assert session.ask(component_id, how) == session.case.response(component_id, how)
        clock.now += 20
    for (component_id, field_id), value in answers.items():
        session.focus(component_id)
        session.consultation.set(component_id, field_id, value)


def test_follow_up_attempt_end_to_end(home, protocol):
    clock = Clock(1000.0)
    case = find_case("follow_up_flare", protocol)
    session = PracticeSession.start(home, protocol, case, student="Sam", clock=clock)
    try:
        assert session.opening == case.patient.opening
        assert {g.id for g in session.consultation.earlier_goals()} == {"swim", "park"}
        assert (
            session.consultation.previous_answer("evaluation.action_plan", "flare_up_plan")
            == "Rest for a day or two, then see."
        )
        with pytest.raises(UsageError, match="no How bullet 3"):
            session.ask("evaluation.action_plan", 3)
        with pytest.raises(UsageError, match="no component 'planning.nope'"):
            session.ask("planning.nope", 0)
        response = session.ask("evaluation.action_plan", 2)
        assert "emergency department" in response and session.was_asked("evaluation.action_plan", 2)
        clock.now += 90
        play_perfectly(session, clock)
        feedback = session.finish()
    finally:
        session.close()
    assert feedback.passed and not feedback.missed
    assert feedback.student == "Sam" and feedback.finished
    assert sum(p.seconds for p in feedback.phases) == pytest.approx(clock.now - 1000.0)
    # on disk: a real patient record in the practice store, with the earlier session and the completed one
    stored = AttemptStore(home).load(session.attempt_id)
    assert [s.kind for s in stored.record.sessions] == ["initial", "follow-up"]
    assert stored.session.status == "complete"
    assert ("evaluation.action_plan", 2) in stored.meta.asked_pairs
    assert stored.meta.phase_seconds == {p.id: p.seconds for p in feedback.phases if p.seconds}
    assert stored.feedback(case, protocol).passed
    meta_file = home.practice_dir / "meta" / f"{session.attempt_id}.json"
    assert stat.S_IMODE(meta_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.root.stat().st_mode) == 0o700
    # a finished attempt cannot be reopened
    with pytest.raises(UsageError, match="is finished"):
        PracticeSession(home, protocol, case, session.attempt_id)
    with pytest.raises(BackcoachError, match="is for case 'follow_up_flare'"):
        PracticeSession(home, protocol, find_case("acute_fear", protocol), session.attempt_id)
    with AttemptStore(home).home.open(session.attempt_id):  # neither refusal kept the attempt locked
        pass


def test_unfinished_attempt_keeps_its_timers_and_asked_bullets(home, protocol):
    clock = Clock(1000.0)
    case = find_case("acute_fear", protocol)
    with PracticeSession.start(home, protocol, case, clock=clock) as session:
        session.focus("planning.goals")
        clock.now += 30
        session.ask("delivery.sense_making", 0)
        clock.now += 45
    stored = AttemptStore(home).load(session.attempt_id)
    assert stored.meta.phase_seconds == {"planning": 30.0, "delivery": 45.0}
    assert stored.meta.finished is None
    with PracticeSession(home, protocol, case, session.attempt_id, clock=clock) as again:  # resumable
        assert again.was_asked("delivery.sense_making", 0)
        assert not again.feedback().finished


def test_attempts_never_appear_in_patient_lists(home, protocol, monkeypatch, capsys):
    home.add_patient("Real Patient", patient_id="real1")
    with PracticeSession.start(home, protocol, find_case("passive_treatment", protocol)):
        pass
    assert [e.id for e in home.index()] == ["real1"]
    assert [pid for pid, _ in home.records()] == ["real1"]
    code, out, _ = run_cli(monkeypatch, capsys, "--home", str(home.root), "patient", "list", "--json")
    assert code == 0 and [p["id"] for p in json.loads(out)] == ["real1"]


def test_hostile_student_name_is_shown_literally_in_every_format(home, protocol):
    case = find_case("acute_fear", protocol)
    with PracticeSession.start(home, protocol, case, student=HOSTILE + "\x1b[2J") as session:
        feedback = session.finish()
    text = render([feedback], "text")
    assert "[bold]x[/]" in text and "\x1b" not in text
    html = render([feedback], "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    md = render([feedback], "md")
    assert "<script>" not in md and r"\[bold\]x\[/\]" in md
    assert json.loads(render([feedback], "json"))["attempts"][0]["student"] == HOSTILE + "[2J"


def test_report_batch_with_a_damaged_attempt(home, protocol, monkeypatch, capsys, tmp_path):
    ids = []
    for case_id in ("acute_fear", "follow_up_partly", "passive_treatment"):
        with PracticeSession.start(home, protocol, find_case(case_id, protocol)) as session:
            ids.append(session.attempt_id)
            session.finish()
    (home.practice_dir / "patients" / f"{ids[1]}.json").write_text("{broken")
    out = tmp_path / "reports"
    code, _, err = run_cli(
        monkeypatch, capsys, "--home", str(home.root), "practice", "report", "--out", str(out), "--format", "html"
    )
    assert code == 1
    assert f"attempt {ids[1]}" in err and "damaged" in err
    assert err.strip().splitlines()[-1] == "2 attempt(s) reported, 1 failed"
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f"{i}.html" for i in (ids[0], ids[2]))
    assert [stat.S_IMODE((out / f).stat().st_mode) for f in files] == [0o600, 0o600]
    reports = {f: (out / f).read_bytes() for f in files}
    for f, report in reports.items():  # each is its own attempt's report
        assert [i for i in ids if i in report.decode()] == [f.removesuffix(".html")]
    (out / files[0]).write_bytes(b"a teacher's older copy")
    os.utime(out / files[0], (0, 0))
    code, _, err = run_cli(
        monkeypatch, capsys, "--home", str(home.root), "practice", "report", "--out", str(out), "--format", "html"
    )
    assert code == 1 and "exists (use --force" in err  # never silently overwritten
    assert (out / files[0]).read_bytes() == b"a teacher's older copy" and (out / files[0]).stat().st_mtime == 0
    code, _, err = run_cli(
        monkeypatch,
        capsys,
        "--home",
        str(home.root),
        "practice",
        "report",
        "--out",
        str(out),
        "--format",
        "html",
        "--force",
    )
    assert code == 1 and err.strip().splitlines()[-1] == "2 attempt(s) reported, 1 failed"  # the damaged one too
    assert {f: (out / f).read_bytes() for f in files} == reports  # rewritten: the report, not the older copy


def test_report_to_stdout_as_json(home, protocol, monkeypatch, capsys):
    with PracticeSession.start(home, protocol, find_case("older_low_health_literacy", protocol), student="Kim") as s:
        s.ask("evaluation.understanding", 0)
    code, out, err = run_cli(monkeypatch, capsys, "--home", str(home.root), "practice", "report", "--format", "json")
    assert code == 0 and err.strip() == "1 attempt(s) reported, 0 failed"
    (attempt,) = json.loads(out)["attempts"]
    assert attempt["student"] == "Kim" and attempt["finished"] == ""
    items = {i["id"]: i for i in attempt["items"]}
    assert items["beliefs_asked"]["hit"] is True and items["beliefs_asked"]["critical"] is False
    # asking what she believes is not teach-back: that needs what she said back recorded (review 14, F19)
    assert items["teach_back"]["hit"] is False and items["teach_back"]["critical"] is True


def test_cli_list_and_check(protocol, monkeypatch, capsys, tmp_path):
    from backcoach.practice.cases import shipped_cases

    code, out, _ = run_cli(monkeypatch, capsys, "practice", "list", "--json")
    assert code == 0
    assert json.loads(out) == [
        {"id": c.id, "title": c.title, "tests": c.tests, "follow_up": c.follow_up, "pass_share": c.pass_share}
        for c in shipped_cases(protocol)
    ]
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "x"\n')
    code, _, err = run_cli(monkeypatch, capsys, "practice", "check", str(broken))
    assert code == 1 and err == f"backcoach: {broken}: title: missing\n"
    code, _, _ = run_cli(monkeypatch, capsys, "practice", "report", "--format", "pdf")
    assert code == 2


def test_practice_commands_load_nothing_heavy_at_startup():
    import subprocess

    code = (
        "import sys, backcoach.cli; print([m for m in ('backcoach.practice', 'textual', 'tinydb') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_run_hands_the_open_session_to_the_ui(home, protocol, monkeypatch, capsys):
    """The contract with the UIs: `run_practice(session: PracticeSession) -> int | None`, session already open."""
    import types

    seen = []

    def run_practice(session: PracticeSession) -> int:
        seen.append(session.attempt_id)
        session.ask("planning.goals", 0)
        session.consultation.set("planning.goals", "values", "Football with my son")
        assert not session.finish().passed
        return 0

    monkeypatch.setitem(
        sys.modules, "backcoach.plain", types.SimpleNamespace(run_practice=run_practice, check_practice=lambda: None)
    )
    code, _, err = run_cli(
        monkeypatch, capsys, "--home", str(home.root), "practice", "run", "acute_fear", "--plain", "--student", "Ana"
    )
    assert (code, err) == (0, "")
    stored = AttemptStore(home).load(seen[0])
    assert stored.meta.student == "Ana" and stored.meta.finished and stored.session.status == "complete"
    with AttemptStore(home).home.open(seen[0]):  # the attempt's lock was released (PatientLocked otherwise)
        pass


def test_report_into_an_existing_folder_leaves_its_mode_alone(home, protocol, monkeypatch, capsys, tmp_path):
    """--out . must not make the teacher's own folder private (or fail on a folder they do not own)."""
    with PracticeSession.start(home, protocol, find_case("acute_fear", protocol)) as session:
        session.finish()
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    args = ("--home", str(home.root), "practice", "report", "--format", "md", "--out")
    code, _, _ = run_cli(monkeypatch, capsys, *args, str(shared))
    assert code == 0 and stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert [stat.S_IMODE(p.stat().st_mode) for p in shared.iterdir()] == [0o600]
    code, _, err = run_cli(monkeypatch, capsys, *args, str(tmp_path / "new" / "reports"))
    assert code == 0 and stat.S_IMODE((tmp_path / "new" / "reports").stat().st_mode) == 0o700
    not_a_folder = next(shared.iterdir())
    code, _, err = run_cli(monkeypatch, capsys, *args, str(not_a_folder))
    assert code == 2 and err == f"backcoach: --out {not_a_folder}: not a folder\n"


def test_a_stray_file_among_attempts_is_tallied_not_fatal(home, protocol, monkeypatch, capsys):
    with PracticeSession.start(home, protocol, find_case("acute_fear", protocol)) as session:
        session.finish()
    (home.practice_dir / "patients" / "copy of attempt.json").write_text("{}")
    code, out, err = run_cli(monkeypatch, capsys, "--home", str(home.root), "practice", "report", "--format", "json")
    assert code == 1 and len(json.loads(out)["attempts"]) == 1
    assert err.strip().splitlines()[-1] == "1 attempt(s) reported, 1 failed"


def test_a_hand_edited_attempt_is_still_scored(home, protocol, monkeypatch, capsys):
    with PracticeSession.start(home, protocol, find_case("desk_worker_pain_goals", protocol)) as session:
        session.consultation.set("planning.goals", "values", "Cycling to work")
        attempt_id = session.attempt_id
        session.finish()
    path = home.practice_dir / "patients" / f"{attempt_id}.json"
    data = json.loads(path.read_text())
    for stored in data["sessions"].values():
        stored["answers"].setdefault("planning.goals", {})["goals"] = ["Less pain", {"text": 3}]
    path.write_text(json.dumps(data))
    code, out, err = run_cli(monkeypatch, capsys, "--home", str(home.root), "practice", "report", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["attempts"][0]["attempt_id"] == attempt_id


@pytest.mark.parametrize("student", [5, "Sam \x1b[2J\ud800"])
def test_a_hand_edited_student_name_is_damage_or_shown_inert(home, protocol, monkeypatch, capsys, student):
    with PracticeSession.start(home, protocol, find_case("acute_fear", protocol)) as session:
        attempt_id = session.attempt_id
        session.finish()
    meta = home.practice_dir / "meta" / f"{attempt_id}.json"
    data = json.loads(meta.read_text())
    data["student"] = student
    meta.write_text(json.dumps(data))
    code, out, err = run_cli(monkeypatch, capsys, "--home", str(home.root), "practice", "report", "--format", "text")
    if student == 5:  # no student name: a damaged file, named, tallied, and nothing reported
        assert (code, out) == (1, "")
        assert err == (
            f"backcoach: warning: attempt {attempt_id}: {meta} is damaged (not a backcoach practice file); "
            "run `backcoach db check`\n0 attempt(s) reported, 1 failed\n"
        )
    else:  # the name shown without what could act on a terminal: the escape and the lone surrogate are dropped
        assert (code, err) == (0, "1 attempt(s) reported, 0 failed\n")
        assert out.startswith(f"Practice feedback: {find_case('acute_fear', protocol).title}\n")
        assert f"\ncase acute_fear · attempt {attempt_id}\nstudent: Sam [2J\nFAIL " in out
        assert "\x1b" not in out and "\ud800" not in out
