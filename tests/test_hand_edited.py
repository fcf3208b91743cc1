"""Patient files edited by hand (or written by another tool): values of the wrong shape never crash a summary,
an export or a batch; a file whose structure is wrong is a damaged file, reported like any other."""

from __future__ import annotations

import json

import pytest

from backcoach.store import DamagedFile, Home
from backcoach.summary import clinician_summary, patient_handout, render
from tests.export_data import PATIENT_ID, make_fixture_patient
from tests.helpers import run_backcoach


def _edit(home, change) -> None:
    path = home.patient_path(PATIENT_ID)
    data = json.loads(path.read_text())
    for session in data["sessions"].values():
        change(session)
    path.write_text(json.dumps(data))


WRONG_SHAPES = {
    ("planning.readiness", "confidence"): "seven",
    ("planning.readiness", "barriers"): ["a", "list"],
    ("planning.readiness", "stage"): 3,
    ("planning.goals", "goals"): ["Walk more", {"text": 5}],
    ("delivery.successful_experiences", "feared_activities"): ["Bending", {"item": "x"}],
    ("evaluation.goal_review", "review"): [{"goal_id": "g1", "attainment": "great"}],
    ("delivery.sense_making", "key_messages"): "strong_back",
}


def _wrong_shapes(session: dict) -> None:
    for (component, field), value in WRONG_SHAPES.items():
        session["answers"].setdefault(component, {})[field] = value


def _without_those_fields(session: dict) -> None:
    answers = session["answers"]
    for component, field in WRONG_SHAPES:
        answers.get(component, {}).pop(field, None)
    session["answers"] = {component: fields for component, fields in answers.items() if fields}


def _renderings(record, protocol) -> dict[tuple, str]:
    return {
        (session.id, build.__name__, fmt): render(build(record, session, protocol), fmt)
        for session in record.sessions
        for build in (clinician_summary, patient_handout)
        for fmt in ("text", "md", "html")
    }


def test_values_of_the_wrong_shape_are_left_out_and_the_rest_is_shown(home, protocol):
    """Every summary and handout of a hand-edited file is exactly that of the same file without the fields whose
    values have the wrong shape: those are left out whole, and everything else is shown as before."""
    make_fixture_patient(home, protocol)
    whole = _renderings(home.load(PATIENT_ID), protocol)
    _edit(home, _without_those_fields)
    expected = _renderings(home.load(PATIENT_ID), protocol)
    assert expected != whole  # the fields edited are ones the summaries show
    make_fixture_patient(other := Home(home.root.parent / "edited"), protocol)
    _edit(other, _wrong_shapes)
    assert _renderings(other.load(PATIENT_ID), protocol) == expected
    assert "Short walks every day" in expected["s-initial", "clinician_summary", "text"]  # an answer of the right shape


def test_batch_export_of_a_hand_edited_file_finishes_with_a_tally(home, protocol, tmp_path):
    make_fixture_patient(home, protocol)
    home.add_patient("Other", patient_id="other")
    _edit(home, _wrong_shapes)
    out = tmp_path / "out"
    done = run_backcoach("export", "--all", "--format", "md", "--out", str(out), home=home.root)
    assert done.returncode == 0, done.stderr
    assert "2 file(s) written" in done.stdout and "internal error" not in done.stderr
    assert len(list(out.glob("*.md"))) == 2


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.update(answers=["not", "a", "table"]),
        lambda s: s.update(answers={"planning.goals": "text"}),
        lambda s: s.update(done="planning.goals"),
        lambda s: s.update(id=5),
    ],
)
def test_a_session_of_the_wrong_structure_is_a_damaged_file(home, protocol, change):
    make_fixture_patient(home, protocol)
    _edit(home, change)
    with pytest.raises(DamagedFile):
        home.load(PATIENT_ID)


def test_unsafe_characters_in_a_stored_file_leave_as_json_escapes(home, protocol, tmp_path):
    """A lone surrogate, a C1 control and a bidi override (never stored by backcoach, but possible in a file
    edited by hand) come out of every JSON output as \\u escapes: valid UTF-8, inert on a terminal, lossless."""
    make_fixture_patient(home, protocol)
    path = home.patient_path(PATIENT_ID)
    path.write_text(path.read_text().replace("With my neighbour", "With \\ud800 my \\u009b2J \\u202e neighbour"))
    for args in (("patient", "show", PATIENT_ID, "--json"), ("export", PATIENT_ID, "--format", "json")):
        done = run_backcoach(*args, home=home.root)
        assert done.returncode == 0, done.stderr
        assert "With \\ud800 my \\u009b2J \\u202e neighbour" in done.stdout
        assert json.loads(done.stdout)
    out = tmp_path / "out"
    done = run_backcoach("export", "--all", "--format", "json", "--out", str(out), home=home.root)
    assert done.returncode == 0, done.stderr
    assert "\\u202e" in (out / f"{PATIENT_ID}.json").read_text()
    from backcoach.consultation import Consultation

    with Consultation(home, protocol, PATIENT_ID) as c:  # saving the record again keeps the text as it was
        c.set("planning.goals", "motivation", "saved again")
    assert "\\u009b2J" in path.read_text()


def test_session_list_shows_a_hand_edited_session_id_without_acting_on_the_terminal(home, protocol):
    make_fixture_patient(home, protocol)
    path = home.patient_path(PATIENT_ID)
    path.write_text(path.read_text().replace('"s-follow"', '"s\\u001b[2J\\ud800"'))
    for args in (("session", "list"), ("patient", "show", PATIENT_ID)):
        done = run_backcoach(*args, home=home.root)
        assert done.returncode == 0, done.stderr
        assert "\x1b" not in done.stdout and "s␛[2J<U+D800>" in done.stdout
