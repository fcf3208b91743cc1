"""Carrying on with an unfinished practice attempt: the CLI's refusals, the report's hint, the timers."""

from __future__ import annotations

import pytest

from backcoach.practice.attempts import AttemptStore
from backcoach.practice.cases import find_case
from backcoach.practice.session import PracticeSession
from tests.helpers import run_main
from tests.practice_helpers import Clock


@pytest.fixture
def case(protocol):
    return find_case("acute_fear", protocol)


@pytest.fixture
def unfinished(home, protocol, case) -> str:
    with PracticeSession.start(home, protocol, case, student="Sam") as session:
        session.ask("planning.goals", 0)
    return session.attempt_id


def resume(monkeypatch, capsys, home, *args: str) -> tuple[int, str, str]:
    return run_main(monkeypatch, capsys, "--home", str(home.root), "practice", "run", *args)


def test_a_missing_attempt_is_one_line_and_exit_1(home, monkeypatch, capsys, unfinished):
    code, out, err = resume(monkeypatch, capsys, home, "acute_fear", "--resume", "acute_fear-nope00")
    assert (code, out) == (1, "")
    assert err == "backcoach: no practice attempt 'acute_fear-nope00' (`backcoach practice report` lists them)\n"


def test_an_attempt_for_another_case_is_a_usage_error(home, monkeypatch, capsys, unfinished):
    code, out, err = resume(monkeypatch, capsys, home, "passive_treatment", "--resume", unfinished)
    assert (code, out) == (2, "")
    assert err == f"backcoach: attempt {unfinished} is for case 'acute_fear', not 'passive_treatment'\n"


def test_a_finished_attempt_refuses(home, protocol, case, monkeypatch, capsys, unfinished):
    with PracticeSession(home, protocol, case, unfinished) as session:
        session.finish()
    code, out, err = resume(monkeypatch, capsys, home, "acute_fear", "--resume", unfinished)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and f"attempt {unfinished} is finished" in err
    assert AttemptStore(home).ids() == [unfinished]  # no new attempt either


def test_an_attempt_open_in_another_window_is_the_lock_error(home, protocol, case, monkeypatch, capsys, unfinished):
    with PracticeSession(home, protocol, case, unfinished):  # holds the attempt's lock, as another window would
        code, out, err = resume(monkeypatch, capsys, home, "acute_fear", "--resume", unfinished)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and f"{unfinished} is open in another backcoach window" in err


def test_student_with_resume_is_a_usage_error(home, monkeypatch, capsys, unfinished):
    code, out, err = resume(monkeypatch, capsys, home, "acute_fear", "--resume", unfinished, "--student", "Kim")
    assert (code, out) == (2, "")
    assert "--student cannot be used with --resume" in err and err.count("\n") == 1
    assert AttemptStore(home).read_meta(unfinished).student == "Sam"


def test_without_a_terminal_the_attempt_is_left_as_it_was(home, monkeypatch, capsys, unfinished):
    before = AttemptStore(home).read_meta(unfinished)
    code, _, err = resume(monkeypatch, capsys, home, "acute_fear", "--resume", unfinished, "--plain")
    assert code == 1 and "--plain needs an interactive terminal" in err
    after = AttemptStore(home).read_meta(unfinished)
    assert (after.asked, after.phase_seconds, after.finished) == (before.asked, before.phase_seconds, None)
    assert AttemptStore(home).ids() == [unfinished]


def test_the_text_report_ends_with_how_to_carry_on_with_each_unfinished_attempt(
    home, protocol, monkeypatch, capsys, unfinished
):
    with PracticeSession.start(home, protocol, find_case("passive_treatment", protocol)) as done:
        done.finish()
    code, out, err = run_main(monkeypatch, capsys, "--home", str(home.root), "practice", "report")
    assert code == 0 and err.strip() == "2 attempt(s) reported, 0 failed"
    assert out.endswith(
        "1 attempt(s) not finished; to carry on with one:\n"
        f"  backcoach --home {home.root} practice run acute_fear --resume {unfinished}\n"
    )
    assert done.attempt_id not in out.splitlines()[-1]
    code, md, _ = run_main(monkeypatch, capsys, "--home", str(home.root), "practice", "report", "--format", "md")
    assert code == 0 and "--resume" not in md  # the other formats are as they were


def test_timers_go_on_from_what_was_banked_and_not_while_closed(home, protocol, case):
    clock = Clock()
    with PracticeSession.start(home, protocol, case, clock=clock) as first:
        first.focus("planning.goals")
        clock.now += 30
    clock.now += 3600  # an hour with the attempt closed
    with PracticeSession(home, protocol, case, first.attempt_id, clock=clock) as again:
        assert again.resumed and again.phase_seconds() == {"planning": 30.0}
        clock.now += 600  # before the first component is shown (the case card): not timed
        again.focus("planning.shared_decision")
        clock.now += 20
        again.focus("delivery.sense_making")
        clock.now += 15
        feedback = again.finish()
    assert {p.id: p.seconds for p in feedback.phases if p.seconds} == {"planning": 50.0, "delivery": 15.0}
    assert AttemptStore(home).read_meta(first.attempt_id).phase_seconds == {"planning": 50.0, "delivery": 15.0}


def test_a_new_attempt_is_not_resumed(home, protocol, case):
    with PracticeSession.start(home, protocol, case) as session:
        assert not session.resumed and session.exchanges() == []


def test_asked_entries_that_fit_no_bullet_are_left_out_of_the_conversation(home, protocol, case, unfinished):
    store = AttemptStore(home)
    meta = store.read_meta(unfinished)
    meta.asked += [
        {"component": "planning.nope", "how": 0, "at": ""},
        {"component": "planning.goals", "how": 99, "at": ""},
    ]
    store.write_meta(meta)
    with PracticeSession(home, protocol, case, unfinished) as session:
        how = protocol.component("planning.goals").how[0]
        assert session.exchanges() == [(how, case.response("planning.goals", 0))]
