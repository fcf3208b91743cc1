"""Plain, linear output: answers as lines of text, for showing what a session holds and for the summary.

Every line is a plain str printed literally (never parsed as markup); labels come from the pack, everything else
is the user's own text. Leading spaces give a line its depth; `Lines` wraps long lines with a hanging indent and
no padding or boxes, which is what a screen reader or a slow link handles best.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, assert_never

from rich.console import Console, ConsoleOptions
from rich.text import Text

from backcoach.protocol import Field, Option, Protocol, Stage
from backcoach.summary.build import rating_text
from backcoach.textclean import strip_unsafe


def plain_console(**options: Any) -> Console:
    """A console that prints every string literally: no markup, emoji codes or highlighting; NO_COLOR respected."""
    return Console(highlight=False, markup=False, emoji=False, **options)


class Lines:
    """Lines wrapped at the console's width; an indented line continues two spaces deeper than it starts.

    Text is shown without terminal control characters even when it was read from a file that was never cleaned.
    """

    def __init__(self, lines: Iterable[str] = (), style: str = ""):
        self.rows: list[tuple[str, str]] = []
        self.add(lines, style)

    def add(self, lines: Iterable[str], style: str = "") -> Lines:
        self.rows += [(line, style) for line in lines]
        return self

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        width = max(options.max_width, 20)
        for row, style in self.rows:
            for line in strip_unsafe(row).split("\n"):
                body = line.lstrip(" ")
                lead = " " * (len(line) - len(body))
                hang = lead + "  " if lead else ""
                wrapped = textwrap.wrap(
                    body, width, initial_indent=lead, subsequent_indent=hang, break_on_hyphens=False
                )
                for part in wrapped or [""]:
                    yield Text(part, style=style)


def say(console: Console, *lines: str, style: str = "") -> None:
    console.print(Lines(lines, style))


def say_command(console: Console, line: str) -> None:
    """A command to copy, on one line however long: the terminal wraps it, where a hard break would split it."""
    console.print(Text(strip_unsafe(line)), soft_wrap=True)


def shorten(text: str, width: int = 50) -> str:
    """One line of at most `width` characters, for a menu entry (the full text is printed above the menu)."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def label_of(options: tuple[Option, ...] | tuple[Stage, ...], option_id: str | None) -> str:
    return next((o.label for o in options if o.id == option_id), option_id or "")


def goal_lines(protocol: Protocol, goal: Mapping[str, Any]) -> list[str]:
    """A goal in the patient's words, then its SMART parts in the pack's order."""
    parts = goal.get("parts") or {}
    return [goal.get("text") or "—"] + [
        f"  {p.label}: {parts[p.id]}" for p in protocol.guidance.smart_parts if parts.get(p.id)
    ]


def review_lines(
    protocol: Protocol, spec: Field, review: Mapping[str, Any], goal: Mapping[str, Any] | None
) -> list[str]:
    """One follow-up evaluation of a goal: attainment, its note, the decision and any revised wording."""
    lines = [goal.get("text", "") if goal else review["goal_id"]]
    lines.append(f"  {label_of(spec.attainment, review.get('attainment')) or '—'}")
    asked = next((o.prompt for o in spec.attainment if o.id == review.get("attainment") and o.prompt), "")
    if review.get("note"):
        lines.append(f"  {asked} {review['note']}" if asked else f"  {review['note']}")
    if review.get("decision"):
        lines.append(f"  {label_of(spec.decisions, review['decision'])}")
    if review.get("revised"):
        lines += ["    " + line for line in goal_lines(protocol, review["revised"])]
    return lines


def warning_sign_lines(protocol: Protocol) -> Lines:
    """The warning signs by tier, most urgent first: the tier, what to do when a sign is present, then its signs."""
    lines = Lines()
    for tier, flags in protocol.guidance.red_flags_by_tier():
        lines.add([f"{tier.marker}: {tier.label}"], "bold")
        lines.add([f"  What to do: {tier.action}"])
        for f in flags:
            lines.add([f"  - {f.label}" + (f": {f.detail}" if f.detail else "")])
    return lines


def answer_lines(protocol: Protocol, spec: Field, value: Any, goals: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """An answer as lines; `goals` (id → goal) names the goals a goal review refers to."""
    kind = spec.type
    match kind:
        case "text":
            return value.splitlines() or [value]
        case "choice":
            return [label_of(protocol.options(spec), value)]
        case "stage":
            return [label_of(protocol.guidance.stages, value)]
        case "multi":
            return [label_of(protocol.options(spec), v) for v in value]
        case "scale":
            return [f"{value} ({spec.min}–{spec.max})"]
        case "goal_list":
            return [line for goal in value for line in goal_lines(protocol, goal)]
        case "rating_list":
            return [f"{item['item']}: {rating_text(item['rating'])}" for item in value]
        case "goal_review":
            return [line for r in value for line in review_lines(protocol, spec, r, goals.get(r["goal_id"]))]
        case _:
            assert_never(kind)


def answer_block(protocol: Protocol, spec: Field, value: Any, goals: Mapping[str, Any]) -> Lines:
    """The field's label, then its answer indented under it."""
    lines = answer_lines(protocol, spec, value, goals)
    return Lines([f"  {spec.label}:"], "bold").add(f"    {line}" for line in lines)


def bullets(items: Iterable[str]) -> Lines:
    return Lines(f"  - {item}" for item in items)
