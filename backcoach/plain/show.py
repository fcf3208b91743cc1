"""Answers as plain lines of text, for showing what a session already holds and for the summary.

Every line is a plain str meant to be printed literally (the console runs with markup off); labels come from the
pack, everything else is the user's own text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console, Group
from rich.text import Text

from backcoach.protocol import Field, Option, Protocol


def plain_console(**options: Any) -> Console:
    """A console that prints every string literally: no markup, emoji codes or highlighting; NO_COLOR respected."""
    return Console(highlight=False, markup=False, emoji=False, **options)


def label_of(options: tuple[Option, ...], option_id: str | None) -> str:
    return next((o.label for o in options if o.id == option_id), option_id or "")


def goal_lines(protocol: Protocol, goal: Mapping[str, Any]) -> list[str]:
    """A goal in the patient's words, then its SMART parts in the pack's order."""
    parts = goal.get("parts") or {}
    return [goal.get("text") or "—"] + [
        f"  {p.label}: {parts[p.id]}" for p in protocol.guidance.smart_parts if parts.get(p.id)
    ]


def review_lines(protocol: Protocol, spec: Field, review: Mapping[str, Any], goal: Mapping[str, Any] | None):
    """One follow-up evaluation of a goal: attainment, its note, the decision and any revised wording."""
    head = goal.get("text", "") if goal else review["goal_id"]
    lines = [f"{head}: {label_of(spec.attainment, review.get('attainment')) or '—'}"]
    asked = next((o.prompt for o in spec.attainment if o.id == review.get("attainment") and o.prompt), "")
    if review.get("note"):
        lines.append(f"  {asked} {review['note']}" if asked else f"  {review['note']}")
    if review.get("decision"):
        lines.append(f"  {label_of(spec.decisions, review['decision'])}")
    if review.get("revised"):
        lines += ["    " + line for line in goal_lines(protocol, review["revised"])]
    return lines


def answer_lines(protocol: Protocol, spec: Field, value: Any, goals: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """An answer as lines; `goals` (id → goal) names the goals a goal review refers to."""
    kind = spec.type
    if kind == "text":
        return value.splitlines() or [value]
    if kind == "choice":
        return [label_of(protocol.options(spec), value)]
    if kind == "stage":
        return [label_of(protocol.guidance.stages, value)]
    if kind == "multi":
        return [label_of(protocol.options(spec), v) for v in value]
    if kind == "scale":
        return [f"{value} ({spec.min}–{spec.max})"]
    if kind == "goal_list":
        return [line for goal in value for line in goal_lines(protocol, goal)]
    if kind == "rating_list":
        return [f"{item['item']}: {item['rating']}" for item in value]
    if kind == "goal_review":
        return [line for r in value for line in review_lines(protocol, spec, r, goals.get(r["goal_id"]))]
    return [str(value)]


def answer_block(protocol: Protocol, spec: Field, value: Any, goals: Mapping[str, Any]) -> Group:
    """The field's label, then its answer indented under it."""
    lines = answer_lines(protocol, spec, value, goals)
    return Group(Text(f"  {spec.label}:", style="bold"), *(Text(f"    {line}") for line in lines))


def print_bullets(console: Console, items: tuple[str, ...] | list[str], indent: str = "  ") -> None:
    for item in items:
        console.print(Text(f"{indent}- {item}"))
