"""Feedback on a practice attempt as a Rich renderable, the one view the TUI, plain mode and reports all show.

A shell module: what was hit, missed and timed is worked out in practice/ (`Feedback`), which loads no Rich.

Case, pack and student text always enter as Text (never markup), so a student name like "[bold]x" shows literally.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from backcoach.practice.scoring import ComponentCoverage, Feedback, ItemResult, duration


def result_line(feedback: Feedback) -> Text:
    """PASS/FAIL with the counts behind it."""
    critical = feedback.critical_items
    others = feedback.other_items
    verdict = ("PASS", "bold green") if feedback.passed else ("FAIL", "bold red")
    return Text.assemble(
        verdict,
        f"   critical items {len(critical) - len(feedback.critical_missed)}/{len(critical)}",
        f" · other items {feedback.other_hit}/{len(others)} ({feedback.share:.0%}; {feedback.pass_share:.0%} needed)",
        f" · components covered {feedback.covered}/{len(feedback.coverage)}",
    )


def _header(feedback: Feedback) -> Text:
    head = Text.assemble(("Practice feedback: ", "bold"), (feedback.case_title, "bold"))
    details = [f"case {feedback.case_id}"]
    if feedback.attempt_id:
        details.append(f"attempt {feedback.attempt_id}")
    if not feedback.finished:
        details.append("not finished")
    head.append(f"\n{' · '.join(details)}", style="dim")
    if feedback.student:
        head.append("\nstudent: ", style="dim")
        head.append(feedback.student)
    return head


def _missed_item(item: ItemResult, component: ComponentCoverage) -> RenderableType:
    notes: list[RenderableType] = []
    if item.detail:
        notes.append(Text(item.detail, style="italic"))
    if item.feedback:
        notes.append(Text(item.feedback))
    notes.append(Text(f"Why? (Table 1, {component.number}. {component.title})", style="yellow"))
    bullets = Table.grid(padding=(0, 1))
    for line in item.why:
        bullets.add_row("•", Text(line))
    notes.append(Padding(bullets, (0, 0, 0, 2)))
    return Group(Text.assemble(("✗ ", "red"), (item.label, "bold")), Padding(Group(*notes), (0, 0, 0, 4)))


def _coverage_table(feedback: Feedback) -> Table:
    table = Table(title="Coverage of the components", title_justify="left")
    for col in ("#", "component", "covered", "How asked"):
        table.add_column(col)
    for c in feedback.coverage:
        covered = Text("yes", style="green") if c.covered else Text("no", style="red")
        table.add_row(str(c.number), Text(c.title), covered, f"{c.asked}/{c.how_total}")
    return table


def _phase_table(feedback: Feedback) -> Table:
    table = Table(title="Time per phase", title_justify="left")
    table.add_column("phase")
    table.add_column("time (m:ss)", justify="right")
    for p in feedback.phases:
        table.add_row(Text(p.title), duration(p.seconds))
    table.add_row(Text("Total", style="bold"), duration(sum(p.seconds for p in feedback.phases)))
    return table


def feedback_view(feedback: Feedback) -> RenderableType:
    """The whole feedback: result, critical items missed first, the rest missed, what was done, coverage, time."""
    components = {c.id: c for c in feedback.coverage}
    parts: list[RenderableType] = [_header(feedback), result_line(feedback)]
    critical = feedback.critical_missed
    others = feedback.other_missed
    if critical:
        parts.append(Text("\nCritical items missed", style="bold red"))
        parts.extend(_missed_item(i, components[i.component]) for i in critical)
    if others:
        parts.append(Text("\nOther items missed", style="bold"))
        parts.extend(_missed_item(i, components[i.component]) for i in others)
    if feedback.hit:
        parts.append(Text("\nDone", style="bold green"))
        for i in feedback.hit:
            parts.append(Text.assemble(("✓ ", "green"), i.label, (" (critical)", "dim") if i.critical else ""))
    parts.extend([Text(""), _coverage_table(feedback), _phase_table(feedback)])
    return Group(*parts)
