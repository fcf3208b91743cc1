"""Practice reports for a teacher: feedback on attempts as text, Markdown, HTML or JSON, one file per attempt.

Batch rules (as for clinical exports): files are written atomically (0600), an existing file is never silently
overwritten (`force`), and an attempt that cannot be read or scored is reported while the rest are written.
The formats themselves are drawn by render/practice_report.py (a shell: text and HTML are Rich's), which the
caller hands to `write_reports`, so a service loads no Rich.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from backcoach.errors import BackcoachError
from backcoach.locations import output_folder
from backcoach.practice.attempts import AttemptStore
from backcoach.practice.cases import Case, find_case
from backcoach.practice.scoring import Feedback
from backcoach.protocol import Protocol
from backcoach.store.atomic import atomic_write

FORMATS = ("text", "md", "html", "json")
EXTENSIONS = {"text": "txt", "md": "md", "html": "html", "json": "json"}


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


def write_reports(
    results: Iterable[tuple[str, Feedback | BackcoachError]],
    out: Path,
    fmt: str,
    render: Callable[[list[Feedback], str], str],
    *,
    force: bool = False,
    records: tuple[Path, ...] = (),
) -> ReportTally:
    """One file per attempt in `out` (never one of the store's `records` folders), drawn by `render` (feedback, format
    → text); a failing attempt or an existing file is tallied, never fatal."""
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
