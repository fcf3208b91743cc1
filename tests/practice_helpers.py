"""Build attempts that satisfy a case's rubric, for scoring and end-to-end tests; a clock for exact phase times."""

from __future__ import annotations

from typing import Any

from backcoach.model import GoalState
from backcoach.practice.cases import Case, RubricItem
from backcoach.protocol import Protocol


class Clock:
    """A monotonic clock that moves only when told to (`clock.now += 30`), so phase times are exact."""

    def __init__(self, start: float = 0.0):
        self.now = start

    def __call__(self) -> float:
        return self.now


GOOD_GOAL = {
    "text": "Walk to the market and back on Thursdays",
    "parts": {
        "specific": "Walk to the market and back",
        "measurable": "Every Thursday",
        "achievable": "Confidence 8/10",
        "relevant": "Seeing friends at the market",
        "time_bound": "Starting this week; review in four weeks",
    },
}


def _sample(protocol: Protocol, component_id: str, field_id: str) -> Any:
    spec = protocol.component(component_id).field(field_id)
    if spec.type == "text":
        return "Noted in the consultation."
    if spec.type == "scale":
        return spec.min
    if spec.type == "rating_list":
        return [{"item": "Bending to the floor", "rating": spec.max}]
    if spec.type == "goal_list":
        return [dict(GOOD_GOAL)]
    if spec.type == "stage":
        return protocol.guidance.stages[0].id
    options = [o.id for o in protocol.options(spec)]
    return [options[0]] if spec.type == "multi" else options[0]


def perfect_answers(
    case: Case, protocol: Protocol, earlier_goals: list[GoalState]
) -> tuple[dict[tuple[str, str], Any], set[tuple[str, int]]]:
    """Answers (by component and field) and How bullets asked that hit every item of the case's rubric."""
    answers: dict[tuple[str, str], Any] = {}
    asked: set[tuple[str, int]] = set()
    chose: dict[tuple[str, str], list[RubricItem]] = {}
    for item in case.rubric:
        key = (item.component, item.field)
        if item.check == "asked":
            asked.add((item.component, item.how))
        elif item.check == "chose":
            chose.setdefault(key, []).append(item)
        elif item.check == "goals":
            answers[key] = [dict(GOOD_GOAL)]
        elif item.check == "reviewed":
            answers[key] = [{"goal_id": g.id, "attainment": "partly", "decision": "keep"} for g in earlier_goals]
        elif item.check == "answered":
            if item.field:
                answers[key] = _sample(protocol, item.component, item.field)
            else:
                first = protocol.component(item.component).fields[0]
                answers[(item.component, first.id)] = _sample(protocol, item.component, first.id)
    for (component_id, field_id), items in chose.items():
        wanted = {v for i in items for v in i.all_of} | {i.any_of[0] for i in items if i.any_of}
        if protocol.component(component_id).field(field_id).type == "multi":
            answers[(component_id, field_id)] = sorted(wanted)
        elif wanted:
            (answers[(component_id, field_id)],) = wanted
    unanswered = {(i.component, i.field) for i in case.rubric if i.check == "unanswered"}
    return {k: v for k, v in answers.items() if k not in unanswered}, asked
