"""Case packs: every shipped case validates; a broken case fails with one line naming file, key path and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcoach.errors import PackError, UsageError
from backcoach.practice.cases import find_case, load_case, shipped_cases
from backcoach.protocol import seed_file

BROKEN = Path(__file__).parent / "data" / "cases"
SHIPPED = sorted(p.name for p in seed_file("cases").iterdir() if p.name.endswith(".toml"))

EXPECTED_ERRORS = {
    "asked_without_response.toml": "rubric[0].how: no response to planning.goals How [0], which this item asks for",
    "bad_earlier_value.toml": "earlier_sessions[0].answers[0].value: confidence: expected a whole number from 0 to 10",
    "bad_option.toml": "rubric[1].any_of[0]: 'maybe' is not an option of planning.shared_decision.affirmed",
    "chose_wrong_field_type.toml": "rubric[1].field: planning.goals.goals is a goal_list field",
    "critical_not_bool.toml": "rubric[0].critical: expected true or false, got text",
    "duplicate_item.toml": "rubric[1].id: duplicate id 'goal_asked'",
    "how_out_of_range.toml": "rubric[0].how: How index 3 is out of range (valid: 0 to 0)",
    "invalid_toml.toml": "invalid TOML",
    "key_not_for_check.toml": "rubric[1].how: not used by a 'goals' check",
    "pass_share_too_big.toml": "pass_share: 1.5 is not a share between 0 and 1",
    "response_how_out_of_range.toml": "responses[0].how: How index 7 is out of range",
    "reviewed_without_earlier.toml": "rubric[1].check: a 'reviewed' check needs goals set in earlier_sessions",
    "unknown_check.toml": "rubric[1].check: unknown check 'guessed'",
    "unknown_component.toml": "rubric[1].component: no component 'planning.nope' in protocol 'table1'",
    "unknown_key.toml": "colour: unknown key",
    "why_out_of_range.toml": "rubric[1].why[0]: Why index 2 is out of range (valid: 0 to 1)",
    "wrong_protocol.toml": "protocol: written for protocol 'other'",
}


def test_at_least_eight_cases_ship_and_differ(protocol):
    cases = shipped_cases(protocol)
    assert len(cases) >= 8
    assert len({c.id for c in cases}) == len(cases)
    assert any(c.follow_up for c in cases) and any(not c.follow_up for c in cases)
    assert all(any(i.critical for i in c.rubric) for c in cases)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_case_validates_from_its_file(name, protocol):
    case = load_case(Path(str(seed_file("cases", name))), protocol)
    assert case.rubric and case.responses and case.sources
    assert case.file.endswith(name)


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_broken_case_gives_one_line_with_file_and_key_path(name, protocol):
    with pytest.raises(PackError) as err:
        load_case(BROKEN / name, protocol)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{BROKEN / name}: ")
    assert EXPECTED_ERRORS[name] in message


def test_every_broken_file_is_covered():
    on_disk = {p.name for p in BROKEN.glob("*.toml")} - {"minimal.toml"}
    assert on_disk == set(EXPECTED_ERRORS)


def test_minimal_case_is_valid(protocol):
    case = load_case(BROKEN / "minimal.toml", protocol)
    assert case.response("planning.goals", 0) == "I'd like to walk my dog again."
    assert case.response("planning.readiness", 1) == case.fallback


def test_missing_file_is_one_line(protocol, tmp_path):
    with pytest.raises(PackError, match=r"nope\.toml: cannot read"):
        load_case(tmp_path / "nope.toml", protocol)


def test_find_case_by_id_or_path(protocol):
    assert find_case("red_flags_cauda_equina", protocol).follow_up is False
    assert find_case(str(BROKEN / "minimal.toml"), protocol).id == "minimal"
    with pytest.raises(UsageError, match="no case 'nope'"):
        find_case("nope", protocol)


def test_follow_up_earlier_sessions_hold_normalised_goals(protocol):
    case = find_case("follow_up_partly", protocol)
    (session,) = case.earlier_sessions
    goals = next(a.value for a in session.answers if a.field == "goals")
    assert [g["id"] for g in goals] == ["walk_sister", "garden"]
    assert set(goals[0]["parts"]) == {"specific", "measurable", "achievable", "relevant", "time_bound"}


@pytest.mark.parametrize("name", SHIPPED)
def test_a_case_cites_only_verified_nice_ng59_numbers(name):
    """Unverified NG59 numbers (1.2.10–1.2.14 pointed at electrotherapies) are cited by heading (review 14)."""
    import re

    from tests.test_protocol import VERIFIED_NG59

    cited = set(re.findall(r"\b1\.[123]\.\d+", seed_file("cases", name).read_text(encoding="utf-8")))
    assert cited <= set(VERIFIED_NG59), sorted(cited - set(VERIFIED_NG59))


def test_what_a_simulated_patient_reads_and_says_names_no_country_s_services(protocol):
    """Clinicians train worldwide: 'your doctor', 'the emergency department', never 'GP' or 'A&E' (review 14, F22)."""
    import re

    for case in shipped_cases(protocol):
        said = [case.patient.background, case.patient.opening, *(r.text for r in case.responses)]
        said += [i.label for i in case.rubric] + [i.feedback for i in case.rubric]
        for text in said:
            assert not re.search(r"A&E|\bGP\b", text), (case.id, text[:80])


def test_a_patient_not_ready_to_act_may_be_in_either_early_stage(protocol):
    """Case 02 ends with 'I'll think about it': contemplation is defensible, treating her as ready to act is not."""
    from backcoach.practice.scoring import score
    from tests.test_practice_scoring import attempt_with, perfect

    case = find_case("persistent_precontemplation", protocol)
    answers, asked = perfect(case, protocol)
    for stage, hit in (("precontemplation", True), ("contemplation", True), ("preparation", False)):
        answers[("planning.readiness", "stage")] = stage
        feedback = score(case, protocol, attempt_with(case, protocol, answers, asked))
        assert next(i for i in feedback.items if i.id == "stage_recognised").hit is hit, stage
