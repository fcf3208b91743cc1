"""Plain mode driven through real prompts (see plain_helpers): keys in, answers out of the store."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from backcoach.consultation import Consultation
from backcoach.plain import command_for, run
from tests.plain_helpers import CLEAR, CTRL_C, CTRL_D, DOWN, ENTER, SPACE, UP, drive_plain, line, pick, without_ids

HOSTILE = "[bold]x[/] [link=javascript:x]y[/link] <script>"


def drive(home, protocol, patient_id: str, keys: str) -> tuple[int, str]:
    """Run a plain consultation on a pipe fed with `keys`; returns (exit code, what it printed)."""
    return drive_plain(lambda console: run(home, protocol, patient_id, console), keys)


def stored(home, patient_id: str):
    """The patient's sessions as read back from disk."""
    return home.load(patient_id).sessions


def resume_hint(home, where: str) -> str:
    return f"To continue (starts at {where}):\n  backcoach --home {home.root} consult ann --plain\n"


def assert_no_blanks(answers: dict) -> None:
    for comp, fields in answers.items():
        assert fields, comp
        for field_id, value in fields.items():
            assert value not in (None, "", [], {}), f"{comp}.{field_id} holds {value!r}"


@pytest.fixture
def patient(home) -> str:
    return home.add_patient("Ann Lee", patient_id="ann", born=1970).id


# The keys of a full initial consultation, component by component (menu: Answer is the default).
INITIAL = "".join(
    [
        ENTER,  # 1. goals
        line("Walking with the grandchildren"),
        ENTER,  # add a goal
        line("I want less pain"),
        ENTER,  # pain-focused: rephrase (the default)
        CLEAR + line("Walk to the market"),
        line("With my husband"),
        line("3 times a week"),
        ENTER,  # achievable: skipped
        line("Independence"),
        line("In 6 weeks"),
        ENTER,  # done with goals
        line("Wants to keep up with family"),
        ENTER,  # 2. shared decision
        SPACE + DOWN * 3 + SPACE + ENTER,  # advice, exercise
        line("Prefers group exercise"),
        line("Group exercise twice a week"),
        line("No warning signs; a scan would not change the plan"),
        line("Review in 3 weeks"),
        ENTER,  # affirmed: yes
        ENTER,  # 3. readiness
        pick(1),  # contemplation
        line("Physio nearby"),
        line("Busy job"),
        ENTER,  # maintenance: skipped
        line("12") + CLEAR + line("7"),  # confidence: 12 is refused
        ENTER,  # 4. sense making
        line(HOSTILE),
        SPACE + ENTER,  # first key message
        ENTER,
        pick(2),  # 5. skip
        ENTER,  # 6. successful experiences
        ENTER,  # add an activity
        line("Bending to lift"),
        line("8"),
        ENTER,  # done
        line("Lifting a light box from the floor"),
        line("My back will go"),
        line("7"),  # fear before
        line("4"),  # fear after
        line("Nothing happened; it felt stiff"),
        line("Lifted a light box"),
        ENTER,
        ENTER,  # 7. tools
        DOWN + SPACE + ENTER,  # breathing
        line("Every evening"),
        ENTER,  # 8. goal review: no earlier goals
        ENTER,  # notes: skipped
        pick(1),  # 9. why?
        ENTER,
        line("Discs slip out"),
        ENTER,
        ENTER,
        line("Moving is safe; build up slowly"),  # teach-back
        ENTER,  # 10. action plan
        line("Daily walk"),
        line("Keep moving, shorter walks"),
        line("If both legs go numb"),
        SPACE + ENTER,  # first red flag
        ENTER,  # finish: complete the session
    ]
)

INITIAL_ANSWERS = {
    "planning.goals": {
        "values": "Walking with the grandchildren",
        "goals": [
            {
                "text": "Walk to the market",
                "parts": {
                    "specific": "With my husband",
                    "measurable": "3 times a week",
                    "relevant": "Independence",
                    "time_bound": "In 6 weeks",
                },
            }
        ],
        "motivation": "Wants to keep up with family",
    },
    "planning.shared_decision": {
        "options_discussed": ["advice", "exercise"],
        "imaging_reason": "No warning signs; a scan would not change the plan",
        "follow_up": "Review in 3 weeks",
        "preferences": "Prefers group exercise",
        "decision": "Group exercise twice a week",
        "affirmed": "yes",
    },
    "planning.readiness": {
        "stage": "contemplation",
        "resources": "Physio nearby",
        "barriers": "Busy job",
        "confidence": 7,
    },
    "delivery.sense_making": {"concerns": HOSTILE, "key_messages": ["strong_back"]},
    "delivery.successful_experiences": {
        "feared_activities": [{"item": "Bending to lift", "rating": 8}],
        "exposure_activity": "Lifting a light box from the floor",
        "expected": "My back will go",
        "fear_before": 7,
        "fear_after": 4,
        "what_happened": "Nothing happened; it felt stiff",
        "exposure": "Lifted a light box",
    },
    "delivery.pain_emotion_tools": {"strategies": ["breathing"], "notes": "Every evening"},
    "evaluation.understanding": {"beliefs": "Discs slip out", "teach_back": "Moving is safe; build up slowly"},
    "evaluation.action_plan": {
        "active_tools": "Daily walk",
        "flare_up_plan": "Keep moving, shorter walks",
        "seek_help": "If both legs go numb",
        "red_flags_reviewed": ["bladder"],
    },
}


def test_full_initial_consultation(home, protocol, patient):
    code, printed = drive(home, protocol, patient, INITIAL)
    assert code == 0, printed
    (session,) = stored(home, patient)
    assert session.status == "complete" and session.kind == "initial"
    assert without_ids(session.answers) == INITIAL_ANSWERS
    assert_no_blanks(session.answers)
    guidance = protocol.guidance
    flowed = " ".join(printed.split())  # the console wraps the long hint
    assert guidance.pain_focus.message(("less pain",)) in flowed  # the hint, and what it is about: "less pain"
    assert 'This goal is about pain: "less pain".' in flowed
    assert guidance.stage("contemplation").address in printed  # shown after choosing the stage
    assert protocol.component("evaluation.understanding").why[0] in printed
    for tier in guidance.red_flag_tiers:  # the warning signs are asked with each tier and what to do
        assert f"{tier.marker}: {tier.label}" in printed
    assert "EMERGENCY – go to the emergency department now: 1 of 11 gone through" in printed  # the summary, by tier
    assert "before → after: 7 → 4 (-3)" in printed  # the exposure's fear, paired
    assert HOSTILE in printed  # the summary prints user text literally
    assert (
        f"  backcoach --home {home.root} export ann --session {session.id} --handout --format html --out ." in printed
    )


def test_plain_answers_are_the_values_the_tui_stores(home, protocol, patient):
    """Setting the same answers straight through the Consultation (as the TUI does) gives the same session."""
    drive(home, protocol, patient, INITIAL)
    (plain,) = stored(home, patient)
    twin = home.add_patient("Ann Lee", patient_id="twin").id
    with Consultation(home, protocol, twin) as c:
        for comp_id, fields in plain.answers.items():
            for field_id, value in fields.items():
                c.set(comp_id, field_id, value)
    (direct,) = stored(home, twin)
    assert direct.answers == plain.answers


def _initial_session(home, protocol, patient_id: str) -> dict[str, str]:
    """A completed first session with two goals and one feared activity; returns the goal ids."""
    with Consultation(home, protocol, patient_id) as c:
        goals = [
            {"id": "g1", "text": "Walk to the market", "parts": {"measurable": "3 times a week"}},
            {"id": "g2", "text": "Garden for an hour", "parts": {"time_bound": "By June"}},
        ]
        c.set("planning.goals", "goals", goals)
        c.set(
            "delivery.successful_experiences",
            "feared_activities",
            [{"id": "f1", "item": "Bending to lift", "rating": 8}],
        )
        c.complete()
    return {"walk": "g1", "garden": "g2"}


def test_follow_up_evaluates_earlier_goals_and_rerates_fears(home, protocol, patient):
    _initial_session(home, protocol, patient)
    review = protocol.component("evaluation.goal_review").field("review")
    partly, not_at_all = review.attainment[1], review.attainment[2]
    keys = "".join(
        [
            pick(3),  # jump (no "back" at the first component)
            pick(6),  # 6. successful experiences
            ENTER,
            line("5"),  # re-rate "Bending to lift"
            ENTER,  # done
            ENTER * 7,  # the exposure's fields: skipped
            pick(2),  # 7. skip
            ENTER,  # 8. goal review
            pick(1),  # goal 1: partly
            line("Walked twice"),
            ENTER,  # keep
            pick(2),  # goal 2: not at all
            line("Too busy at work"),
            pick(1),  # adjust
            CLEAR + line("Garden for 20 minutes"),
            ENTER * 5,  # SMART parts as they were
            line("Smaller garden goal"),
            pick(5),  # 9. finish
            ENTER,  # complete
        ]
    )
    code, printed = drive(home, protocol, patient, keys)
    assert code == 0, printed
    first, follow_up = stored(home, patient)
    assert follow_up.kind == "follow-up" and follow_up.status == "complete"
    assert follow_up.answers == {
        "delivery.successful_experiences": {
            "feared_activities": [{"id": "f1", "item": "Bending to lift", "rating": 5}]
        },
        "evaluation.goal_review": {
            "review": [
                {"goal_id": "g1", "attainment": "partly", "note": "Walked twice", "decision": "keep", "revised": None},
                {
                    "goal_id": "g2",
                    "attainment": "not_at_all",
                    "note": "Too busy at work",
                    "decision": "adjust",
                    "revised": {"id": "g2", "text": "Garden for 20 minutes", "parts": {"time_bound": "By June"}},
                },
            ],
            "notes": "Smaller garden goal",
        },
    }
    assert partly.prompt in printed and not_at_all.prompt in printed
    assert "Garden for 20 minutes" in printed  # the summary shows the revised goal


def test_changing_attainment_keeps_the_earlier_note(home, protocol, patient):
    _initial_session(home, protocol, patient)
    partly = {"goal_id": "g1", "attainment": "partly", "note": "Walked twice", "decision": "keep", "revised": None}
    with Consultation(home, protocol, patient) as c:
        c.set("evaluation.goal_review", "review", [partly])
    keys = ENTER + pick(3)  # resumed in 8, at its notes: none; at 9: back to 8
    keys += ENTER + UP + ENTER + ENTER + CTRL_D  # review and change: goal 1 achieved, keep; stop at goal 2
    code, _ = drive(home, protocol, patient, keys)
    assert code == 130
    assert stored(home, patient)[1].answers["evaluation.goal_review"]["review"] == [
        {**partly, "attainment": "achieved"}
    ]


def test_interrupt_midway_keeps_given_answers_and_nothing_bogus(home, protocol, patient):
    keys = "".join(
        [
            ENTER,
            line("Walking with the grandchildren"),
            ENTER,
            line("Walk to the market"),
            "With my husb" + CTRL_C,  # typed but not sent: kept as a draft
        ]
    )
    code, printed = drive(home, protocol, patient, keys)
    assert code == 130
    assert "saved, with the text you were typing." in printed
    assert resume_hint(home, "1. Let patient value-based goals guide management.") in printed  # where it stopped
    (session,) = stored(home, patient)
    assert session.status == "open"
    assert without_ids(session.answers) == {
        "planning.goals": {
            "values": "Walking with the grandchildren",
            "goals": [{"text": "Walk to the market", "parts": {"specific": "With my husb"}}],
        }
    }


def test_resuming_after_ctrl_c_in_a_goal_carries_on_in_that_component(home, protocol, patient):
    """Stopped in the middle of component 1's goal: carrying on starts at component 1's first field without an
    answer (motivation), as the app's cursor does, not at component 2."""
    keys = ENTER + line("Walking with the grandchildren") + ENTER + line("Walk to the market") + "With my" + CTRL_C
    assert drive(home, protocol, patient, keys)[0] == 130
    given = {
        "values": "Walking with the grandchildren",
        "goals": [{"text": "Walk to the market", "parts": {"specific": "With my"}}],
    }
    assert without_ids(stored(home, patient)[0].answers) == {"planning.goals": given}  # on disk before resuming
    code, printed = drive(home, protocol, patient, line("Keep up with the family") + CTRL_D)
    assert code == 130
    assert "Continuing at 1. Let patient value-based goals guide management." in printed
    assert "Carrying on at the first question without an answer." in printed
    assert without_ids(stored(home, patient)[0].answers) == {
        "planning.goals": {**given, "motivation": "Keep up with the family"}
    }


def test_carrying_on_in_a_component_goes_on_to_the_next_one(home, protocol, patient):
    with Consultation(home, protocol, patient) as c:
        c.set("planning.shared_decision", "options_discussed", ["advice"])
        c.set("planning.shared_decision", "preferences", "Group exercise")
    keys = line("Walk daily") + line("No warning signs") + line("In 4 weeks") + ENTER + CTRL_D  # 2 to its end
    code, printed = drive(home, protocol, patient, keys)
    assert code == 130
    assert "Continuing at 2. Make shared decisions about the plan." in printed
    assert stored(home, patient)[0].answers["planning.shared_decision"] == {
        "options_discussed": ["advice"],
        "imaging_reason": "No warning signs",
        "follow_up": "In 4 weeks",
        "preferences": "Group exercise",
        "decision": "Walk daily",
        "affirmed": "yes",
    }
    assert "Planning: 3 of 10\n3. Define readiness to change." in printed


def test_a_feared_activity_is_kept_when_stopped_before_its_rating(home, protocol, patient):
    keys = pick(3) + pick(6) + ENTER + ENTER + line("Carrying water") + CTRL_C  # add, name it, stop at its rating
    code, printed = drive(home, protocol, patient, keys)
    assert code == 130, printed
    (session,) = stored(home, patient)
    assert without_ids(session.answers) == {
        "delivery.successful_experiences": {"feared_activities": [{"item": "Carrying water", "rating": None}]}
    }


@pytest.mark.parametrize("stop", [CTRL_C, CTRL_D])
def test_interrupt_at_a_choice_saves_no_placeholder(home, protocol, patient, stop):
    keys = ENTER + line("") + pick(1) + line("Family") + ENTER + ENTER + line("") + line("") + stop
    code, printed = drive(home, protocol, patient, keys)
    assert code == 130
    assert "Stopped. Every answer given so far is saved.\n" in printed
    (session,) = stored(home, patient)
    assert session.answers == {"planning.goals": {"motivation": "Family"}}
    assert_no_blanks(session.answers)


def test_eof_on_the_input_stops_like_ctrl_d(home, protocol, patient):
    code, printed = drive(home, protocol, patient, ENTER + line("Walking"))
    assert code == 130
    assert stored(home, patient)[0].answers == {"planning.goals": {"values": "Walking"}}


def test_resume_starts_at_the_first_unanswered_component_and_shows_answers(home, protocol, patient):
    goals = {"values": "Walking with the grandchildren", "goals": [{"id": "g1", "text": "Walk", "parts": {}}]}
    goals["motivation"] = "Fun"
    with Consultation(home, protocol, patient) as c:
        for field_id, value in goals.items():
            c.set("planning.goals", field_id, value)
    keys = "".join(
        [
            pick(3),  # at 2: back
            pick(4),  # at 1: finish
            pick(1),  # keep the session open
        ]
    )
    code, printed = drive(home, protocol, patient, keys)
    assert code == 0
    assert "Continuing at 2. Make shared decisions about the plan." in printed
    assert "Already noted:\n  What matters to the patient:\n    Walking with the grandchildren" in printed
    (session,) = stored(home, patient)
    assert session.status == "open"
    assert session.answers == {"planning.goals": goals}
    assert resume_hint(home, "2. Make shared decisions about the plan.") in printed


def test_resumed_answers_are_the_defaults(home, protocol, patient):
    """Going through a component again and pressing Enter everywhere changes nothing."""
    with Consultation(home, protocol, patient) as c:
        c.set("planning.readiness", "stage", "action")
        c.set("planning.readiness", "confidence", 4)
        c.set("planning.shared_decision", "options_discussed", ["work"])
        c.set("planning.shared_decision", "affirmed", "partly")
        before = c.snapshot().answers
    keys = "".join(
        [
            ENTER * 4,  # carried on in 3 at its first field without an answer: to its end with Enter only
            pick(3) + pick(3),  # at 4's menu: back to 3, back to 2
            ENTER + ENTER * 6,  # review and change 2 with Enter only
            ENTER + ENTER * 5,  # then 3
            CTRL_D,  # at 4's menu
        ]
    )
    code, printed = drive(home, protocol, patient, keys)
    assert code == 130
    assert "Planning: 2 of 10\n2. Make shared decisions about the plan." in printed  # went back through 2
    assert stored(home, patient)[0].answers == before


def test_removing_a_goal_asks_first(home, protocol, patient):
    with Consultation(home, protocol, patient) as c:
        c.set("planning.goals", "goals", [{"id": "g1", "text": "Walk"}, {"id": "g2", "text": "Garden"}])
    keys = "".join(
        [
            ENTER,  # resumed in 1, at its first field without an answer: values: none
            UP * 2 + ENTER,  # from "Done" up to "Remove goal 1"
            ENTER,  # no, keep it
            UP * 2 + ENTER,
            pick(1),  # yes, remove it
            ENTER,  # done
            CTRL_D,
        ]
    )
    code, _ = drive(home, protocol, patient, keys)
    assert code == 130
    assert stored(home, patient)[0].answers == {
        "planning.goals": {"goals": [{"id": "g2", "text": "Garden", "parts": {}}]}
    }


def test_text_from_an_uncleaned_file_is_shown_without_control_characters(home, protocol, patient):
    with Consultation(home, protocol, patient) as c:
        c.set("planning.goals", "values", "placeholder")
    path = home.patient_path(patient)
    path.write_text(path.read_text().replace("placeholder", "calm\\u001b[2Jdown\\u009b"))
    assert stored(home, patient)[0].answers["planning.goals"]["values"] == "calm\x1b[2Jdown\x9b"
    code, printed = drive(home, protocol, patient, pick(3) + CTRL_D)  # back to 1, which shows the answer
    assert code == 130
    assert "calm[2Jdown" in printed and "\x1b" not in printed and "\x9b" not in printed


def test_hints_name_the_home_only_when_it_is_not_the_default(home, monkeypatch):
    monkeypatch.setenv("BACKCOACH_HOME", str(home.root))
    assert command_for(home) == "backcoach"
    monkeypatch.setenv("BACKCOACH_HOME", str(home.root.parent / "other home"))
    assert command_for(home) == f"backcoach --home {home.root}"


def test_without_a_terminal_points_to_export_and_import(home, patient):
    done = subprocess.run(
        [sys.executable, "-m", "backcoach", "--home", str(home.root), "consult", "ann", "--plain"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "export" in done.stderr and "import" in done.stderr


def test_resuming_a_hand_edited_session_shows_what_fits_and_goes_on(home, protocol, patient):
    """Values of the wrong shape in the file (edited by hand) are not shown or offered, and do not crash."""
    with Consultation(home, protocol, patient) as c:
        c.set("planning.goals", "motivation", "My garden")
    path = home.patient_path(patient)
    data = json.loads(path.read_text())
    (session,) = data["sessions"].values()
    session["answers"]["planning.goals"].update(values=["a", "list"], goals=["Walk more"])
    path.write_text(json.dumps(data))
    code, printed = drive(home, protocol, patient, pick(3) + ENTER + CTRL_D)  # back to 1, answer, stop
    assert code == 130
    assert "My garden" in printed and "Walk more" not in printed


def test_a_hint_command_stays_on_one_line_however_long_the_home(tmp_path, protocol):
    from backcoach.store import Home

    home = Home(tmp_path / ("clinic-" * 12) / ("records-" * 12) / ("backcoach-" * 10))
    home.add_patient("Ann Lee", patient_id="ann")
    code, printed = drive(home, protocol, "ann", ENTER + line("Walking") + CTRL_C)
    assert code == 130
    command = f"  backcoach --home {home.root} consult ann --plain"
    assert len(command) > 200 and f"\n{command}\n" in printed  # the terminal wraps it softly: copied whole


def test_a_long_paste_is_capped_as_it_arrives_not_after_gigabytes(monkeypatch):
    """70 KB pasted as keys (no bracketed paste) was refused, but only after the prompt had kept an undo copy of the
    text per character: 2.4 GB. Memory now stays flat, and typing stops at the cap."""
    import tracemalloc

    from backcoach.plain import prompts
    from tests.plain_helpers import CTRL_C, drive_plain

    got = {}

    def start(console) -> int:
        tracemalloc.start()
        try:
            got["answer"] = prompts.text("Values")
        finally:
            got["peak"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        return 0

    drive_plain(start, "x" * 5000 + "\r", timeout=120)
    assert len(got["answer"]) == 5000
    assert got["peak"] < 15 * 2**20, f"{got['peak'] / 2**20:.0f} MiB for a 5 KB paste"  # was 24 MiB, now 9 (drawing it)

    monkeypatch.setattr(prompts, "MAX_INPUT_CHARS", 50)
    drive_plain(start, "y" * 80 + "\r" + CTRL_C)
    assert got["answer"] == "y" * 50
    drive_plain(start, "\x1b[200~" + "z" * 80 + "\x1b[201~" + "\r")  # a bracketed paste, as most terminals send
    assert got["answer"] == "z" * 50


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal (pty) stands in for the user's terminal")
def test_ctrl_c_on_a_real_terminal_exits_130_with_the_answer_on_disk(home, protocol, patient):
    """`backcoach consult ann --plain` on a pty: one answer given, then Ctrl-C at the next prompt: the answer is in
    the patient's file, the resume hint is shown, and the exit code is 130 exactly."""
    from tests.terminal import Terminal

    goals = protocol.component("planning.goals")
    term = Terminal("consult", patient, "--plain", home=home.root)
    try:
        term.wait_for("Component 1")
        term.type(ENTER)  # Answer
        term.wait_for(goals.field("values").label)
        term.type(line("Walking with the grandchildren"))
        term.wait_for(goals.field("goals").label)  # the next prompt: the first answer was saved before it
        term.type(CTRL_C)
        code = term.finish()
    finally:
        term.close()
    shown = term.text
    assert code == 130, shown
    assert "Stopped. Every answer given so far is saved.\n" in shown
    assert "To continue (starts at 1. Let patient value-based goals guide management.):\n" in shown
    assert "  backcoach consult ann --plain\n" in shown
    assert "Traceback" not in shown
    data = json.loads(home.patient_path(patient).read_text(encoding="utf-8"))
    (session,) = data["sessions"].values()
    assert session["status"] == "open"
    assert session["answers"] == {"planning.goals": {"values": "Walking with the grandchildren"}}


@pytest.mark.parametrize(
    "typed,stored_as",
    [("1" + "0", 10), ("1", 1), ("0", 0), ("1" + "0" + "0" + ENTER + CLEAR + "9", 9)],
    ids=["1 then 0", "1", "0", "100 refused, then 9"],
)
def test_a_scale_answer_is_every_digit_typed_not_the_first(home, protocol, patient, typed, stored_as):
    """Typing "1" then "0" on a 0-10 scale gives 10 (plain mode waits for Enter: a digit never answers alone, as a
    type-ahead pick might); 100 is refused, and the prompt stays until a number on the scale is given."""
    skip_stage, empty = pick(len(protocol.guidance.stages)), ENTER
    keys = pick(3) + pick(2) + ENTER  # jump to 3. readiness, Answer
    keys += skip_stage + empty * 3 + typed + ENTER + CTRL_D  # resources, barriers, maintenance; the confidence
    code, printed = drive(home, protocol, patient, keys)
    assert code == 130, printed
    assert stored(home, patient)[0].answers == {"planning.readiness": {"confidence": stored_as}}
