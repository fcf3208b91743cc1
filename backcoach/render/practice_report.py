"""A practice report in each of its formats: text and HTML as Rich draws the feedback view, Markdown, JSON.

The shell half of practice/report.py, which gathers the attempts and writes the files with `render` from here.
Case, pack and student text enters Markdown escaped (`md_escape`) and Rich as Text, never as markup.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from rich.console import Console
from rich.rule import Rule

from backcoach.errors import BackcoachError
from backcoach.practice.report import FORMATS
from backcoach.practice.scoring import Feedback, ItemResult, duration
from backcoach.render.practice_feedback import feedback_view
from backcoach.textclean import json_text

JSON_FORMAT = "backcoach.practice-report/1"
WIDTH = 100
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|!~])")


def _rich_export(feedbacks: list[Feedback], export: Callable[[Console], str]) -> str:
    console = Console(file=io.StringIO(), record=True, width=WIDTH, color_system="truecolor")
    for i, fb in enumerate(feedbacks):
        if i:
            console.print(Rule())
        console.print(feedback_view(fb))
    return export(console)


def md_escape(text: str) -> str:
    """Text shown literally in Markdown (and inert as HTML when the Markdown is rendered)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def _md_item(item: ItemResult, fb: Feedback) -> list[str]:
    comp = next(c for c in fb.coverage if c.id == item.component)
    lines = [f"- **{md_escape(item.label)}**"]
    if item.detail:
        lines.append(f"  - Found: {md_escape(item.detail)}")
    if item.feedback:
        lines.append(f"  - {md_escape(item.feedback)}")
    lines.append(f"  - Why? (Table 1, {comp.number}. {md_escape(comp.title)})")
    lines.extend(f"    - {md_escape(w)}" for w in item.why)
    return lines


def markdown(fb: Feedback) -> str:
    result = "PASS" if fb.passed else "FAIL"
    lines = [f"# Practice feedback: {md_escape(fb.case_title)}", ""]
    lines.append(f"- Case: {md_escape(fb.case_id)}")
    lines.append(f"- Attempt: {md_escape(fb.attempt_id)}{'' if fb.finished else ' (not finished)'}")
    if fb.student:
        lines.append(f"- Student: {md_escape(fb.student)}")
    critical = fb.critical_items
    lines.append(
        f"- Result: **{result}** (critical items {len(critical) - len(fb.critical_missed)}/{len(critical)}; "
        f"other items {fb.other_hit}/{len(fb.other_items)}, {fb.share:.0%}, {fb.pass_share:.0%} needed)"
    )
    sections = (
        ("Critical items missed", fb.critical_missed),
        ("Other items missed", fb.other_missed),
    )
    for title, items in sections:
        if items:
            lines += ["", f"## {title}", ""]
            for item in items:
                lines += _md_item(item, fb)
    if fb.hit:
        lines += ["", "## Done", ""]
        lines += [f"- {md_escape(i.label)}{' (critical)' if i.critical else ''}" for i in fb.hit]
    lines += ["", "## Coverage of the components", "", "| # | Component | Covered | How asked |", "|---|---|---|---|"]
    lines += [
        f"| {c.number} | {md_escape(c.title)} | {'yes' if c.covered else 'no'} | {c.asked}/{c.how_total} |"
        for c in fb.coverage
    ]
    lines += ["", "## Time per phase", "", "| Phase | Time (m:ss) |", "|---|---|"]
    lines += [f"| {md_escape(p.title)} | {duration(p.seconds)} |" for p in fb.phases]
    return "\n".join(lines) + "\n"


def render(feedbacks: list[Feedback], fmt: str) -> str:
    """One document holding the feedback on every attempt given."""
    if fmt == "text":
        text = _rich_export(feedbacks, lambda c: c.export_text())
        return "".join(line.rstrip() + "\n" for line in text.splitlines())
    if fmt == "html":
        return _rich_export(feedbacks, lambda c: c.export_html())
    if fmt == "md":
        return "\n---\n\n".join(markdown(fb) for fb in feedbacks)
    if fmt == "json":
        data = {"format": JSON_FORMAT, "attempts": [fb.to_dict() for fb in feedbacks]}
        return json_text(data) + "\n"
    raise BackcoachError(f"unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})")
