"""Scoring: how rubric items are detected, the OSCE-style result, coverage and the Why behind misses."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import pytest

from backcoach.model import Patient, PatientRecord, Session, goal_states
from backcoach.practice.cases import find_case, shipped_cases
from backcoach.practice.scoring import Attempt, score
from backcoach.protocol import builtin_protocol
from tests.practice_helpers import GOOD_GOAL, perfect_answers

CASE_IDS = [c.id for c in shipped_cases(builtin_protocol())]


def record_for(case, protocol) -> tuple[PatientRecord, Session]:
    """The simulated patient's record: the case's earlier sessions, then an open practice session."""
    record = PatientRecord(Patient(id="p1", name="Sim"))
    for earlier in case.earlier_sessions:
        s = record.new_session(protocol)
        for a in earlier.answers:
            s.set_answer(protocol, a.component, a.field, a.value)
        s.started -= timedelta(days=earlier.days_ago)
        s.complete()
    return record, record.new_session(protocol)


def attempt_with(case, protocol, answers=None, asked=()) -> Attempt:
    record, session = record_for(case, protocol)
    for (component_id, field_id), value in (answers or {}).items():
        session.set_answer(protocol, component_id, field_id, value)
    return Attempt.of(protocol, record, session, frozenset(asked))


def perfect(case, protocol) -> tuple[dict, set]:
    record, session = record_for(case, protocol)
    earlier = [g for g in goal_states(record, protocol, upto=session) if g.active]
    return perfect_answers(case, protocol, earlier)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_perfect_attempt_passes_and_empty_attempt_fails(case_id, protocol):
    case = find_case(case_id, protocol)
    answers, asked = perfect(case, protocol)
    feedback = score(case, protocol, attempt_with(case, protocol, answers, asked))
    assert [i.id for i in feedback.missed] == []
    assert feedback.passed and feedback.share == 1.0
    empty = score(case, protocol, attempt_with(case, protocol))
    assert not empty.passed
    assert empty.critical_missed


def test_missed_critical_item_fails_whatever_the_share(protocol):
    case = find_case("acute_fear", protocol)
    answers, asked = perfect(case, protocol)
    answers[("delivery.successful_experiences", "feared_activities")] = None  # critical 'fears_rated'
    feedback = score(case, protocol, attempt_with(case, protocol, answers, asked))
    assert feedback.share == 1.0
    assert [i.id for i in feedback.critical_missed] == ["fears_rated"]
    assert not feedback.passed


def test_a_safety_net_needs_every_cauda_equina_sign_and_names_the_ones_left_out(protocol):
    """Review 14 (F2): one sign ticked is not a screen; the first-contact cases fail without all four."""
    for case_id in ("acute_fear", "persistent_precontemplation", "desk_worker_pain_goals", "passive_treatment"):
        case = find_case(case_id, protocol)
        item = next(i for i in case.rubric if i.id == "safety_net")
        assert item.critical and set(item.all_of) == {"bladder", "bowel", "saddle_numbness", "bilateral_leg_symptoms"}
    case = find_case("acute_fear", protocol)
    answers, asked = perfect(case, protocol)
    answers[("evaluation.action_plan", "red_flags_reviewed")] = ["bladder", "saddle_numbness"]
    feedback = score(case, protocol, attempt_with(case, protocol, answers, asked))
    item = next(i for i in feedback.critical_missed if i.id == "safety_net")
    assert item.detail == "not chosen: bowel, bilateral_leg_symptoms"
    assert not feedback.passed


def test_feared_activities_named_but_never_rated_do_not_count_as_rated(protocol):
    case = find_case("acute_fear", protocol)  # critical 'fears_rated': "Named and rated his feared movements"
    answers, asked = perfect(case, protocol)
    fears = ("delivery.successful_experiences", "feared_activities")
    answers[fears] = [{"id": "f1", "item": "Bending", "rating": None}, {"id": "f2", "item": "Lifting"}]
    feedback = score(case, protocol, attempt_with(case, protocol, answers, asked))
    (missed,) = feedback.critical_missed
    assert missed.id == "fears_rated" and "not rated: Bending; Lifting" in missed.detail
    answers[fears][1]["rating"] = 6  # one rated is answered, as before an unrated item could be stored
    assert score(case, protocol, attempt_with(case, protocol, answers, asked)).passed


def test_pass_share_threshold_on_the_non_critical_items(protocol):
    case = find_case("acute_fear", protocol)  # pass_share 0.6
    answers, asked = perfect(case, protocol)
    others = [i for i in case.rubric if not i.critical and i.check in ("asked", "answered")]
    n_other = sum(not i.critical for i in case.rubric)
    allowed_misses = n_other - math.ceil(case.pass_share * n_other)  # miss these and the share is just enough

    def missing(items):
        kept = set(asked) - {(i.component, i.how) for i in items if i.check == "asked"}
        gone = {(i.component, i.field) for i in items if i.check == "answered"}
        return {k: v for k, v in answers.items() if k not in gone}, kept

    at = score(case, protocol, attempt_with(case, protocol, *missing(others[:allowed_misses])))
    assert at.other_hit == n_other - allowed_misses and at.passed
    below = score(case, protocol, attempt_with(case, protocol, *missing(others[: allowed_misses + 1])))
    assert below.share < case.pass_share and not below.passed


def test_pain_goal_is_caught_and_why_is_the_pain_goal_bullet(protocol):
    case = find_case("desk_worker_pain_goals", protocol)
    answers, asked = perfect(case, protocol)
    answers[("planning.goals", "goals")] = [dict(GOOD_GOAL), {"text": "Be pain-free at work by the end of the month"}]
    feedback = score(case, protocol, attempt_with(case, protocol, answers, asked))
    item = next(i for i in feedback.missed if i.id == "no_pain_goals")
    assert item.critical and "pain-free" in item.detail
    assert item.why == ("To reduce focus on pain-goals.",)
    assert feedback.missed[0] is item  # critical misses come first


@pytest.mark.parametrize(
    "case_id,item_id,said,found",
    [
        ("acute_fear", "value_goal", "I want the pain gone", "pain gone"),
        ("persistent_precontemplation", "no_pain_goal", "To get rid of this pain", "get rid of this pain"),
        ("desk_worker_pain_goals", "no_pain_goals", "zero pain by the end of the month", "zero pain"),
        ("passive_treatment", "value_goal", "the pain gone and my back back in place", "pain gone"),
    ],
)
def test_each_cases_pain_goal_recorded_as_the_patient_says_it_is_a_miss(protocol, case_id, item_id, said, found):
    """The patient's own words (the case's responses), which the fixed phrase list of pack 1.1.0 let through."""
    case = find_case(case_id, protocol)
    assert any(said in r.text for r in case.responses)
    answers, asked = perfect(case, protocol)
    answers[("planning.goals", "goals")] = [dict(GOOD_GOAL), {"text": said}]
    feedback = score(case, protocol, attempt_with(case, protocol, answers, asked))
    item = next(i for i in feedback.items if i.id == item_id)
    assert not item.hit and f"is about pain ({found})" in item.detail
    assert feedback.passed is not item.critical  # a critical miss fails; otherwise one miss of many still passes


def test_missed_item_without_why_indexes_carries_every_why_bullet(protocol):
    case = find_case("acute_fear", protocol)
    feedback = score(case, protocol, attempt_with(case, protocol))
    item = next(i for i in feedback.missed if i.id == "movement_explored")
    assert item.why == protocol.component("delivery.problem_solving").why


def test_cauda_equina_coaching_fails_even_when_flags_are_found(protocol):
    case = find_case("red_flags_cauda_equina", protocol)
    answers, asked = perfect(case, protocol)
    answers[("planning.goals", "goals")] = [dict(GOOD_GOAL)]
    answers[("planning.shared_decision", "options_discussed")] = ["exercise", "emergency_referral"]
    feedback = score(case, protocol, attempt_with(case, protocol, answers, asked))
    assert [i.id for i in feedback.critical_missed] == ["no_coaching_goals", "no_exercise_plan"]
    exercise = next(i for i in feedback.missed if i.id == "no_exercise_plan")
    assert "exercise" in exercise.detail
    assert not feedback.passed


def test_cauda_equina_needs_an_emergency_referral_not_one_of_unknown_urgency_nor_no_scan(protocol):
    """Review 14 (F10): 'referral' (urgency not recorded) or 'imaging not needed' beside it does not pass case 06."""
    case = find_case("red_flags_cauda_equina", protocol)
    answers, asked = perfect(case, protocol)
    assert score(case, protocol, attempt_with(case, protocol, answers, asked)).passed
    answers[("planning.shared_decision", "options_discussed")] = ["referral"]
    missed = score(case, protocol, attempt_with(case, protocol, answers, asked)).critical_missed
    assert [i.id for i in missed] == ["referred"]
    answers[("planning.shared_decision", "options_discussed")] = ["emergency_referral", "no_imaging"]
    feedback = score(case, protocol, attempt_with(case, protocol, answers, asked))
    assert [i.id for i in feedback.critical_missed] == ["no_exercise_plan"] and not feedback.passed


def test_review_of_only_one_earlier_goal_is_missed_with_the_other_named(protocol):
    case = find_case("follow_up_partly", protocol)
    answers = {
        ("evaluation.goal_review", "review"): [{"goal_id": "walk_sister", "attainment": "partly", "decision": "keep"}]
    }
    feedback = score(case, protocol, attempt_with(case, protocol, answers))
    item = next(i for i in feedback.items if i.id == "goals_reviewed")
    assert not item.hit and "vegetable garden" in item.detail


def test_partial_coverage_is_counted_per_component(protocol):
    case = find_case("acute_fear", protocol)
    answers = {
        ("planning.goals", "values"): "Football with my son",
        ("delivery.sense_making", "key_messages"): ["hurt_not_harm"],
        ("evaluation.action_plan", "flare_up_plan"): "Keep moving",
    }
    asked = {("planning.readiness", 0), ("planning.readiness", 2), ("delivery.sense_making", 0)}
    feedback = score(case, protocol, attempt_with(case, protocol, answers, asked))
    covered = {c.id for c in feedback.coverage if c.covered}
    assert covered == {"planning.goals", "delivery.sense_making", "evaluation.action_plan"}
    assert feedback.covered == 3 and len(feedback.coverage) == 10
    readiness = next(c for c in feedback.coverage if c.id == "planning.readiness")
    assert (readiness.covered, readiness.asked, readiness.how_total) == (False, 2, 3)


def test_phase_times_and_json_shape(protocol):
    case = find_case("acute_fear", protocol)
    feedback = score(case, protocol, attempt_with(case, protocol), {"planning": 61.26, "evaluation": 5})
    assert [(p.id, p.seconds) for p in feedback.phases] == [("planning", 61.3), ("delivery", 0.0), ("evaluation", 5)]
    data = json.loads(json.dumps(feedback.to_dict()))
    assert data["passed"] is False and data["critical_missed"] == [i.id for i in feedback.critical_missed]
