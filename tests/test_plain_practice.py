"""Practice mode in plain prompts, driven through real prompts (see plain_helpers); results read back from disk."""

from __future__ import annotations

import subprocess

import pytest

from backcoach.plain import practise
from backcoach.practice.attempts import AttemptStore
from backcoach.practice.cases import find_case
from backcoach.practice.session import PracticeSession
from tests.helpers import run_backcoach, run_cli
from tests.plain_helpers import CTRL_C, DOWN, ENTER, SPACE, drive_plain, line, pick, without_ids

GOALS, SHARED, SENSE = "planning.goals", "planning.shared_decision", "delivery.sense_making"


@pytest.fixture
def case(protocol):
    return find_case("acute_fear", protocol)


def attempt(home, protocol, case, keys: str) -> tuple[int, str, str]:
    """One attempt on `keys`, opened and closed around the UI as the CLI does; (exit code, output, attempt id)."""
    with PracticeSession.start(home, protocol, case) as session:
        code, printed = drive_plain(lambda console: practise(session, console), keys)
    return code, printed, session.attempt_id


# Menus: the pointer starts on the first How bullet not asked yet, then on Answer.
BEFORE_STOP = "".join(
    [
        ENTER,  # 1. ask the only bullet
        ENTER,  # answer
        line("Football with his son"),
        ENTER,  # add a goal
        line("Play football with my son"),
        line("In the park"),
        line("Every Saturday"),
        ENTER * 2,  # achievable, relevant: skipped
        line("In 6 weeks"),
        ENTER,  # done with goals
        ENTER,  # motivation: skipped
        ENTER * 3,  # 2. ask all three bullets
    ]
)
AFTER_STOP = "".join(  # carried on at 2 (its first component with no answer), every bullet there asked
    [
        ENTER,  # answer
        SPACE + DOWN * 3 + SPACE + ENTER,  # advice, exercise
        line("Something fast; he must keep working"),
        line("No scan; walk daily; practise bending"),
        ENTER * 2,  # why no imaging, follow-up: skipped
        ENTER,  # affirmed: yes
        pick(5),  # 3. skip
        ENTER,  # 4. ask bullet 0
        pick(1),  # answer
        line("Thinks a disc slipped, like his father's"),
        DOWN + SPACE + ENTER,  # hurt is not harm
        ENTER,  # sources: skipped
        pick(7),  # 5. jump
        pick(5),  # to 9 (from 5 in the list of phases and components)
        pick(6),  # 9. finish, having asked nothing here
        ENTER,  # finish the attempt and see the feedback
    ]
)
ATTEMPT = BEFORE_STOP + AFTER_STOP
ANSWERS = {
    GOALS: {
        "values": "Football with his son",
        "goals": [
            {
                "text": "Play football with my son",
                "parts": {"specific": "In the park", "measurable": "Every Saturday", "time_bound": "In 6 weeks"},
            }
        ],
    },
    SHARED: {
        "options_discussed": ["advice", "exercise"],
        "preferences": "Something fast; he must keep working",
        "decision": "No scan; walk daily; practise bending",
        "affirmed": "yes",
    },
    SENSE: {"concerns": "Thinks a disc slipped, like his father's", "key_messages": ["hurt_not_harm"]},
}
ASKED = {(GOALS, 0), (SHARED, 0), (SHARED, 1), (SHARED, 2), (SENSE, 0)}
HIT = {"fear_addressed", "misconception_explored", "value_goal", "smart_goal", "active_options", "decision_affirmed"}


def test_an_attempt_end_to_end(home, protocol, case):
    home.add_patient("Ann Lee", patient_id="ann")
    code, printed, attempt_id = attempt(home, protocol, case, ATTEMPT)
    assert code == 0, printed

    stored = AttemptStore(home).load(attempt_id)
    assert stored.meta.finished is not None and stored.session.status == "complete"
    assert stored.meta.asked_pairs == ASKED
    assert set(stored.meta.phase_seconds) == {"planning", "delivery", "evaluation"}  # 9 was only looked at
    assert without_ids(stored.session.answers) == ANSWERS

    patient = case.patient
    assert patient.background.splitlines()[0][:60] in printed
    assert f"{patient.name}: {case.patient.opening}" in printed
    assert f"{patient.name}: {case.response(SHARED, 2)}" in printed

    feedback = stored.feedback(case, protocol)
    assert not feedback.passed and [i.id for i in feedback.critical_missed] == ["fears_rated", "safety_net"]
    assert {i.id for i in feedback.hit} == HIT
    assert printed.count("FAIL   critical items 2/4") == 2  # at the top of the feedback and again at the end
    missed = printed[printed.index("Critical items missed") :]
    for item in feedback.missed:
        assert f"✗ {item.label}" in missed
        assert all(why in missed for why in item.why)
    assert f"  backcoach --home {home.root} practice report" in printed

    listed = run_cli(home.root, "patient", "list")
    assert listed.exit_code == 0 and "Ann Lee" in listed.stdout
    assert patient.name not in listed.stdout and attempt_id not in listed.stdout


def test_an_interrupted_attempt_keeps_its_answers_and_stays_unfinished(home, protocol, case):
    keys = ENTER + ENTER + line("Football with his son") + ENTER + "Play footb" + CTRL_C
    code, printed, attempt_id = attempt(home, protocol, case, keys)
    assert code == 130
    assert "Stopped. Every answer given so far is saved, with the text you were typing." in printed
    assert f"Attempt {attempt_id} is not finished" in printed
    assert f"  backcoach --home {home.root} practice run acute_fear --resume {attempt_id} --plain\n" in printed
    assert f"  backcoach --home {home.root} practice run acute_fear --plain\n" in printed

    stored = AttemptStore(home).load(attempt_id)
    assert stored.meta.finished is None and stored.session.status == "open"
    assert stored.meta.asked_pairs == {(GOALS, 0)}
    assert without_ids(stored.session.answers) == {
        GOALS: {"values": "Football with his son", "goals": [{"text": "Play footb", "parts": {}}]}
    }
    assert not stored.feedback(case, protocol).finished


def test_an_attempt_stopped_in_a_goal_carries_on_in_that_component(home, protocol, case):
    keys = ENTER + ENTER + line("Football with his son") + ENTER + line("Play football") + "In the" + CTRL_C
    code, _, attempt_id = attempt(home, protocol, case, keys)
    assert code == 130
    with PracticeSession(home, protocol, case, attempt_id) as again:  # the next prompt: 1's motivation
        code, printed = drive_plain(lambda console: practise(again, console), line("Wants to keep up") + CTRL_C)
    assert code == 130
    assert "Continuing at 1. " in printed
    assert without_ids(AttemptStore(home).load(attempt_id).session.answers) == {
        GOALS: {
            "values": "Football with his son",
            "goals": [{"text": "Play football", "parts": {"specific": "In the"}}],
            "motivation": "Wants to keep up",
        }
    }


def test_an_attempt_stopped_with_ctrl_c_and_carried_on_ends_as_one_done_in_one_go(home, protocol, case):
    code, printed, attempt_id = attempt(home, protocol, case, BEFORE_STOP + CTRL_C)
    assert code == 130
    resume = f"  backcoach --home {home.root} practice run acute_fear --resume {attempt_id} --plain\n"
    assert resume in printed
    stopped = AttemptStore(home).load(attempt_id)
    assert stopped.meta.asked_pairs == {(GOALS, 0), (SHARED, 0), (SHARED, 1), (SHARED, 2)}
    banked = stopped.meta.phase_seconds["planning"]

    with PracticeSession(home, protocol, case, attempt_id) as again:
        code, printed = drive_plain(lambda console: practise(again, console), AFTER_STOP)
    assert code == 0, printed
    # the case again, what the attempt holds, where it goes on, and what the patient said at 2 before
    assert case.patient.background.splitlines()[0][:60] in printed
    assert f"Carrying on with attempt {attempt_id}: 1 of 10 components have answers, 4 How? bullet(s)" in printed
    assert "Continuing at 2. " in printed
    earlier = printed[printed.index("Asked before:") :]
    assert all(f"{case.patient.name}: {case.response(SHARED, i)}" in earlier for i in range(3))

    stored = AttemptStore(home).load(attempt_id)
    assert stored.meta.finished is not None and stored.session.status == "complete"
    assert without_ids(stored.session.answers) == ANSWERS
    assert stored.meta.asked_pairs == ASKED and len(stored.meta.asked) == len(ASKED)  # nothing asked twice
    assert stored.meta.phase_seconds["planning"] >= banked
    feedback = stored.feedback(case, protocol)
    assert {i.id for i in feedback.hit} == HIT
    assert [i.id for i in feedback.critical_missed] == ["fears_rated", "safety_net"]
    assert printed.count("FAIL   critical items 2/4") == 2


def test_without_a_terminal_no_attempt_is_made(home):
    done = run_backcoach("practice", "run", "acute_fear", "--plain", home=home.root, stdin=subprocess.DEVNULL)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "--plain needs an interactive terminal" in done.stderr
    assert AttemptStore(home).ids() == []
