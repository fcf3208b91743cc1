"""Practice mode in plain prompts, driven through real prompts (see plain_helpers); results read back from disk."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from backcoach.model import now
from backcoach.plain import practise
from backcoach.practice.attempts import AttemptStore
from backcoach.practice.cases import find_case
from backcoach.practice.session import PracticeSession
from tests.helpers import run_backcoach, run_cli
from tests.plain_helpers import CTRL_C, DOWN, ENTER, SPACE, drive_plain, drive_plain_steps, line, pick, without_ids
from tests.practice_helpers import Clock

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
# carried on at 2 (its first component with no answer), every bullet there asked; in four parts, each ending in a
# state a test can wait for on disk
SHARED_ANSWERED = "".join(
    [
        ENTER,  # answer
        SPACE + DOWN * 3 + SPACE + ENTER,  # advice, exercise
        line("Something fast; he must keep working"),
        line("No scan; walk daily; practise bending"),
        ENTER * 2,  # why no imaging, follow-up: skipped
        ENTER,  # affirmed: yes
    ]
)
SENSE_ASKED = "".join(
    [
        pick(5),  # 3. skip
        ENTER,  # 4. ask bullet 0
    ]
)
AT_9 = "".join(
    [
        pick(1),  # answer
        line("Thinks a disc slipped, like his father's"),
        DOWN + SPACE + ENTER,  # hurt is not harm
        ENTER,  # sources: skipped
        pick(7),  # 5. jump
        pick(5),  # to 9 (from 5 in the list of phases and components)
    ]
)
FINISH = "".join(
    [
        pick(6),  # 9. finish, having asked nothing here
        ENTER,  # finish the attempt and see the feedback
    ]
)
AFTER_STOP = SHARED_ANSWERED + SENSE_ASKED + AT_9 + FINISH
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
PHASE_SECONDS = {"planning": 100.0 + 30.0, "delivery": 40.0, "evaluation": 25.0}  # as the steps below move the clock


def _asked(home, attempt_id: str, pair: tuple[str, int]) -> Callable[[], bool]:
    return lambda: pair in AttemptStore(home).read_meta(attempt_id).asked_pairs


def _timed(home, attempt_id: str, phase: str) -> Callable[[], bool]:
    """Whether the attempt has moved into `phase` (its timer saved, at 0 s, the moment it was entered)."""
    return lambda: phase in AttemptStore(home).read_meta(attempt_id).phase_seconds


def _answered(home, attempt_id: str, component: str, field: str) -> Callable[[], bool]:
    return lambda: AttemptStore(home).home.load(attempt_id).sessions[-1].answer(component, field) is not None


def _wait(clock: Clock, seconds: float) -> Callable[[], None]:
    """The student spends `seconds` where the attempt is (the UI waiting for keys meanwhile)."""

    def spend() -> None:
        clock.now += seconds

    return spend


def before_stop(home, attempt_id: str, clock: Clock) -> list:
    """Component 1 answered, every bullet of 2 asked; then 100 s spent there (planning)."""
    return [(BEFORE_STOP, _asked(home, attempt_id, (SHARED, 2)), _wait(clock, 100))]


def after_stop(home, attempt_id: str, clock: Clock) -> list:
    """2 answered, then 30 s more in planning; 4 asked, 40 s (delivery); at 9, 25 s (evaluation); finished."""
    return [
        (SHARED_ANSWERED, _answered(home, attempt_id, SHARED, "affirmed"), _wait(clock, 30)),
        (SENSE_ASKED, _asked(home, attempt_id, (SENSE, 0)), _wait(clock, 40)),
        (AT_9, _timed(home, attempt_id, "evaluation"), _wait(clock, 25)),
        (FINISH, None, None),
    ]


def test_an_attempt_end_to_end(home, protocol, case):
    home.add_patient("Ann Lee", patient_id="ann")
    clock, started = Clock(5000.0), now()
    with PracticeSession.start(home, protocol, case, clock=clock) as session:
        steps = before_stop(home, session.attempt_id, clock) + after_stop(home, session.attempt_id, clock)
        code, printed = drive_plain_steps(lambda console: practise(session, console), steps)
    attempt_id = session.attempt_id
    assert code == 0, printed

    stored = AttemptStore(home).load(attempt_id)
    assert started <= stored.meta.finished <= now() and stored.session.status == "complete"
    assert stored.meta.asked_pairs == ASKED
    assert stored.meta.phase_seconds == PHASE_SECONDS  # every second the clock moved, in the phase it was in
    assert "Delivery: 4 of 10 (0:00 in Delivery, 2:10 in all)\n" in printed  # the timers as 4 was shown
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
    clock = Clock(5000.0)
    with PracticeSession.start(home, protocol, case, clock=clock) as session:
        steps = [*before_stop(home, session.attempt_id, clock), (CTRL_C, None, None)]
        code, printed = drive_plain_steps(lambda console: practise(session, console), steps)
    attempt_id = session.attempt_id
    assert code == 130
    resume = f"  backcoach --home {home.root} practice run acute_fear --resume {attempt_id} --plain\n"
    assert resume in printed
    stopped = AttemptStore(home).load(attempt_id)
    assert stopped.meta.asked_pairs == {(GOALS, 0), (SHARED, 0), (SHARED, 1), (SHARED, 2)}
    assert stopped.meta.phase_seconds == {"planning": 100.0}  # banked when it stopped

    clock.now += 3600  # an hour away from it counts nowhere
    with PracticeSession(home, protocol, case, attempt_id, clock=clock) as again:
        code, printed = drive_plain_steps(lambda console: practise(again, console), after_stop(home, attempt_id, clock))
    assert code == 0, printed
    # the case again, what the attempt holds, where it goes on, and what the patient said at 2 before
    assert case.patient.background.splitlines()[0][:60] in printed
    assert (
        f"Carrying on with attempt {attempt_id}: 1 of 10 components have answers, 4 How? bullet(s) were asked, "
        "1:40 spent so far. Continuing at 2. " in printed
    )
    assert "Continuing at 2. " in printed
    earlier = printed[printed.index("Asked before:") :]
    assert all(f"{case.patient.name}: {case.response(SHARED, i)}" in earlier for i in range(3))

    stored = AttemptStore(home).load(attempt_id)
    assert stopped.meta.finished is None and stored.meta.created <= stored.meta.finished <= now()
    assert stored.session.status == "complete"
    assert without_ids(stored.session.answers) == ANSWERS
    assert stored.meta.asked_pairs == ASKED and len(stored.meta.asked) == len(ASKED)  # nothing asked twice
    assert stored.meta.phase_seconds == PHASE_SECONDS  # the same as the attempt done in one go
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
