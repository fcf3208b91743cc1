"""Scoring an attempt against its case's rubric: pure functions, no I/O.

How each kind of rubric item is detected in an attempt (the `check` key of the item):
    asked       the student asked the item's How bullet (`how`, by index) of its component
    answered    the item's field has an answer (a rated list: an item with its rating; without `field`: the
                component is covered at all)
    unanswered  the item's field was left empty (e.g. no goals set with a patient who must be referred)
    chose       a choice/multi/stage field: at least one of `any_of`, every one of `all_of`, none of `none_of`
    goals       the goal_list field holds at least `min` goals, none of them pain-focused (the pack's
                pain_focus, as `PainFocus.flags` reads a goal), each with the SMART `parts` listed
    reviewed    every active goal from earlier sessions has a review with an attainment and a decision
An OSCE-style result: pass when every critical item is hit and at least the case's `pass_share` of the others.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from backcoach.model import GoalState, PatientRecord, Session, goal_states
from backcoach.practice.cases import Case, RubricItem
from backcoach.protocol import Protocol


@dataclass(frozen=True)
class Attempt:
    """What the student did: the practice session, the How bullets asked, and the earlier goals to review."""

    session: Session
    asked: frozenset[tuple[str, int]]
    earlier_goals: tuple[GoalState, ...] = ()

    @classmethod
    def of(
        cls, protocol: Protocol, record: PatientRecord, session: Session, asked: frozenset[tuple[str, int]]
    ) -> Attempt:
        """The attempt in `session` of the simulated patient's `record` (its active earlier goals derived)."""
        goals = tuple(g for g in goal_states(record, protocol, upto=session) if g.active)
        return cls(session, frozenset(asked), goals)


@dataclass(frozen=True)
class ItemResult:
    id: str
    component: str
    label: str
    critical: bool
    hit: bool
    detail: str  # what was found, when it explains a miss (e.g. which goal is about pain)
    feedback: str  # the case's teaching point
    why: tuple[str, ...]  # the Table 1 "Why?" behind the item


@dataclass(frozen=True)
class ComponentCoverage:
    id: str
    number: int
    title: str
    covered: bool  # answered or marked done in the practice session
    asked: int  # How bullets asked
    how_total: int


@dataclass(frozen=True)
class PhaseTime:
    id: str
    title: str
    seconds: float


def duration(seconds: float) -> str:
    """Time spent as m:ss, as the feedback, the reports and the practice timers all show it."""
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class Feedback:
    case_id: str
    case_title: str
    pass_share: float
    items: tuple[ItemResult, ...]
    coverage: tuple[ComponentCoverage, ...]
    phases: tuple[PhaseTime, ...]
    attempt_id: str = ""
    student: str = ""
    finished: str = ""  # ISO time the attempt was finished; empty while it is still open

    @property
    def critical_items(self) -> list[ItemResult]:
        return [i for i in self.items if i.critical]

    @property
    def critical_missed(self) -> list[ItemResult]:
        return [i for i in self.items if i.critical and not i.hit]

    @property
    def other_items(self) -> list[ItemResult]:
        return [i for i in self.items if not i.critical]

    @property
    def other_hit(self) -> int:
        return sum(i.hit for i in self.other_items)

    @property
    def share(self) -> float:
        """The share of non-critical items hit (1.0 when the case has none)."""
        others = self.other_items
        return self.other_hit / len(others) if others else 1.0

    @property
    def passed(self) -> bool:
        return not self.critical_missed and self.share >= self.pass_share - 1e-9

    @property
    def other_missed(self) -> list[ItemResult]:
        return [i for i in self.other_items if not i.hit]

    @property
    def missed(self) -> list[ItemResult]:
        """Missed items, critical ones first, then in rubric order."""
        return self.critical_missed + self.other_missed

    @property
    def hit(self) -> list[ItemResult]:
        return [i for i in self.items if i.hit]

    @property
    def covered(self) -> int:
        return sum(c.covered for c in self.coverage)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            format="backcoach.practice-feedback/1",
            passed=self.passed,
            share=round(self.share, 4),
            critical_missed=[i.id for i in self.critical_missed],
            covered=self.covered,
        )
        return data


def _chosen(value: Any) -> set[str]:
    if value is None:
        return set()
    return set(value) if isinstance(value, list) else {value}


def detect(item: RubricItem, protocol: Protocol, attempt: Attempt) -> tuple[bool, str]:
    """Whether the attempt hits the item, and a short note on what was found when that explains a miss."""
    session = attempt.session
    value = session.answer(item.component, item.field) if item.field else None
    if item.check == "asked":
        return (item.component, item.how) in attempt.asked, ""
    if item.check == "answered":
        if item.field and protocol.component(item.component).field(item.field).type == "rating_list" and value:
            # a rated list is answered by a rating: items only named (rating None) are not rated yet
            rated = any(r["rating"] is not None for r in value)
            return rated, "" if rated else f"not rated: {'; '.join(r['item'] for r in value)}"
        if item.field:
            return value is not None, ""
        return item.component in session.covered(protocol), ""
    if item.check == "unanswered":
        label = protocol.component(item.component).field(item.field).label
        return value is None, "" if value is None else f"filled in: {label}"
    if item.check == "chose":
        chosen = _chosen(value)
        wrong = [v for v in item.none_of if v in chosen]
        left_out = [v for v in item.all_of if v not in chosen]
        ok = (not item.any_of or bool(chosen & set(item.any_of))) and not left_out and not wrong
        if wrong:
            return ok, f"chosen but should not be: {', '.join(wrong)}"
        return ok, f"not chosen: {', '.join(left_out)}" if left_out else ""
    if item.check == "goals":
        goals = value or []
        if len(goals) < item.min:
            return False, f"{len(goals)} goal(s) recorded; at least {item.min} expected"
        for goal in goals:
            flags = protocol.guidance.pain_focus.flags(goal["text"])
            if flags:
                return False, f"goal {goal['text']!r} is about pain ({', '.join(flags)})"
            missing = [p for p in item.parts if p not in goal["parts"]]
            if missing:
                return False, f"goal {goal['text']!r} has no {', '.join(missing)} part"
        return True, ""
    if item.check == "reviewed":
        reviews = {r["goal_id"]: r for r in value or []}
        unreviewed = [
            g.goal["text"]
            for g in attempt.earlier_goals
            if not (g.id in reviews and reviews[g.id]["attainment"] and reviews[g.id]["decision"])
        ]
        return not unreviewed, f"not reviewed: {'; '.join(unreviewed)}" if unreviewed else ""
    raise ValueError(f"unknown check {item.check!r}")  # the case loader only lets known checks through


def score(
    case: Case,
    protocol: Protocol,
    attempt: Attempt,
    phase_seconds: dict[str, float] | None = None,
    *,
    attempt_id: str = "",
    student: str = "",
    finished: str = "",
) -> Feedback:
    """The feedback on one attempt: every rubric item hit or missed, coverage of the components, time per phase."""
    results = []
    for item in case.rubric:
        comp = protocol.component(item.component)
        hit, detail = detect(item, protocol, attempt)
        why = tuple(comp.why[i] for i in item.why) if item.why else comp.why
        results.append(
            ItemResult(
                item.id, item.component, item.label, item.critical, hit, "" if hit else detail, item.feedback, why
            )
        )
    covered = set(attempt.session.covered(protocol))
    coverage = tuple(
        ComponentCoverage(
            c.id,
            c.number,
            c.title,
            c.id in covered,
            sum((c.id, i) in attempt.asked for i in range(len(c.how))),
            len(c.how),
        )
        for c in protocol.components
    )
    seconds = phase_seconds or {}
    phases = tuple(PhaseTime(p.id, p.title, round(seconds.get(p.id, 0.0), 1)) for p in protocol.phases)
    return Feedback(
        case.id, case.title, case.pass_share, tuple(results), coverage, phases, attempt_id, student, finished
    )
