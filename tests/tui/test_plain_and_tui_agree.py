"""The same answers typed in the full-screen app and in plain mode are stored as the same session."""

from __future__ import annotations

from textual.widgets import SelectionList

from backcoach.plain import run
from tests.plain_helpers import CTRL_C, ENTER, SPACE, drive_plain, line, without_ids
from tests.tui.conftest import make_app
from tests.tui.waiting import opened

VALUES, GOAL = "Dancing again [bold]x[/]", "Dance at my daughter's wedding"


async def _in_the_app(home, protocol, patient_id: str) -> None:
    app = make_app(home, protocol, patient_id=patient_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot)  # the cursor is in the first field
        await pilot.press(*VALUES, "tab", *GOAL)  # 1: what matters, then the first goal
        await pilot.press("ctrl+n")  # 2: treatment options
        assert isinstance(app.focused, SelectionList)
        await pilot.press("space")  # the first option
        await pilot.press("ctrl+q")  # saves, then quits


def _in_plain_mode(home, protocol, patient_id: str) -> int:
    keys = "".join(
        [
            ENTER,  # 1: answer
            line(VALUES),
            ENTER,  # add a goal
            line(GOAL),
            ENTER * 5,  # its SMART parts: none
            ENTER,  # done with goals
            ENTER,  # motivation: none
            ENTER,  # 2: answer
            SPACE + ENTER,  # the first option
            CTRL_C,  # stop at the preferences: what was given is saved
        ]
    )
    code, _ = drive_plain(lambda console: run(home, protocol, patient_id, console), keys)
    return code


async def test_the_app_and_plain_mode_store_the_same_answers(home, protocol):
    app_patient = home.add_patient("In The App", patient_id="app").id
    plain_patient = home.add_patient("In Plain Mode", patient_id="plain").id
    await _in_the_app(home, protocol, app_patient)
    assert _in_plain_mode(home, protocol, plain_patient) == 130
    (in_app,) = home.load(app_patient).sessions
    (in_plain,) = home.load(plain_patient).sessions
    assert without_ids(in_app.answers) == without_ids(in_plain.answers)
    assert without_ids(in_app.answers) == {
        "planning.goals": {"values": VALUES, "goals": [{"text": GOAL, "parts": {}}]},
        "planning.shared_decision": {"options_discussed": ["advice"]},
    }
