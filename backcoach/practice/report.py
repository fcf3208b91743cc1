"""Practice reports for a teacher: feedback on attempts as text, Markdown, HTML or JSON, one file per attempt.

Batch rules (as for clinical exports): files are written atomically (0600), an existing file is never silently
overwritten (`force`), and an attempt that cannot be read or scored is reported while the rest are written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

from backcoach.errors import BackcoachError
from backcoach.locations import output_folder
from backcoach.practice.attempts import AttemptStore
from backcoach.practice.cases import Case, find_case
from backcoach.practice.scoring import Feedback, ItemResult
from backcoach.protocol import Protocol
from backcoach.render.practice_feedback import duration, feedback_view
from backcoach.store.atomic import atomic_write
from backcoach.textclean import json_text

FORMATS = ("text", "md", "html", "json")
EXTENSIONS = {"text": "txt", "md": "md", "html": "html", "json": "json"}
JSON_FORMAT = "backcoach.practice-report/1"
WIDTH = 100
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|!~])")


@dataclass
class ReportTally:
    reported: list[Feedback] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # one line per attempt that could not be reported

    def line(self) -> str:
        return f"{len(self.reported)} attempt(s) reported, {len(self.failed)} failed"


def collect(results: Iterable[tuple[str, Feedback | BackcoachError]]) -> ReportTally:
    """All the feedback, and a line for each attempt that failed (for output to one stream)."""
    tally = ReportTally()
    for attempt_id, result in results:
        if isinstance(result, BackcoachError):
            tally.failed.append(f"attempt {attempt_id}: {result}")
        else:
            tally.reported.append(result)
    return tally


def gather(store: AttemptStore, protocol: Protocol) -> Iterable[tuple[str, Feedback | BackcoachError]]:
    """Each attempt's feedback, or the error that stops one attempt (a damaged file, a case that is gone)."""
    cases: dict[str, Case] = {}
    for attempt_id, stored in store.attempts():
        if isinstance(stored, BackcoachError):
            yield attempt_id, stored
            continue
        meta = stored.meta
        key = meta.case_file or meta.case_id
        try:
            if key not in cases:
                cases[key] = find_case(key, protocol)
            yield attempt_id, stored.feedback(cases[key], protocol)
        except BackcoachError as exc:
            yield attempt_id, exc


def resume_lines(store: AttemptStore, feedbacks: list[Feedback], command: str) -> list[str]:
    """The text report's ending: the command that carries on with each unfinished attempt (none when all are done)."""
    unfinished = [fb.attempt_id for fb in feedbacks if not fb.finished]
    if not unfinished:
        return []
    lines = [f"{len(unfinished)} attempt(s) not finished; to carry on with one:"]
    return lines + [f"  {command} {store.read_meta(attempt_id).resume_args()}" for attempt_id in unfinished]


# --- renderers ----------------------------------------------------------------------------------------------
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
    critical = [i for i in fb.items if i.critical]
    lines.append(
        f"- Result: **{result}** (critical items {len(critical) - len(fb.critical_missed)}/{len(critical)}; "
        f"other items {fb.other_hit}/{len(fb.other_items)}, {fb.share:.0%}, {fb.pass_share:.0%} needed)"
    )
    sections = (
        ("Critical items missed", fb.critical_missed),
        ("Other items missed", [i for i in fb.missed if not i.critical]),
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


def write_reports(
    results: Iterable[tuple[str, Feedback | BackcoachError]],
    out: Path,
    fmt: str,
    *,
    force: bool = False,
    records: tuple[Path, ...] = (),
) -> ReportTally:
    """One file per attempt in `out` (never one of the store's `records` folders); a failing attempt or an existing
    file is tallied, never fatal."""
    tally = ReportTally()
    output_folder(out, records)
    for attempt_id, result in results:
        if isinstance(result, BackcoachError):
            tally.failed.append(f"attempt {attempt_id}: {result}")
            continue
        path = out / f"{attempt_id}.{EXTENSIONS[fmt]}"
        if path.exists() and not force:
            tally.failed.append(f"{path} exists (use --force to overwrite)")
            continue
        try:  # without force, a file made meanwhile is not replaced either
            atomic_write(path, render([result], fmt).encode("utf-8"), replace=force)
        except FileExistsError:
            tally.failed.append(f"{path} exists (use --force to overwrite)")
            continue
        tally.reported.append(result)
    return tally
