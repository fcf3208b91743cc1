"""`backcoach practice …`: simulated patients for students, and reports of their attempts for a teacher."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backcoach.commands import command_group, print_json, state, stdout_console

if TYPE_CHECKING:
    from collections.abc import Callable

    from backcoach.practice.session import PracticeSession

app = command_group("Practise consultations with simulated patients.")


@app.command("list")
def list_cases(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the shipped practice cases."""
    from rich.padding import Padding
    from rich.text import Text

    from backcoach.practice.cases import shipped_cases

    cases = shipped_cases(state(ctx).protocol())
    if as_json:
        keys = ("id", "title", "tests", "follow_up", "pass_share")
        print_json([{k: getattr(c, k) for k in keys} for c in cases])
        return
    console = stdout_console()
    console.print(f"{len(cases)} practice case(s); start one with: backcoach practice run ID")
    for c in cases:  # a list, not a table: the descriptions are sentences, readable at 80 columns
        kind = "follow-up" if c.follow_up else "first visit"
        console.print(Text.assemble("\n", (c.id, "bold"), f"  {c.title} ({kind})"))
        console.print(Padding(Text(c.tests), (0, 0, 0, 2)))


@app.command("check")
def check(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="The case pack (TOML) to check.")]) -> None:
    """Check a case pack against the protocol: exit 0 when valid, 1 with the problem when not."""
    from backcoach.practice.cases import load_case

    case = load_case(file, state(ctx).protocol())
    critical = sum(i.critical for i in case.rubric)
    typer.echo(f"{file}: valid ({len(case.responses)} responses, {len(case.rubric)} rubric items, {critical} critical)")


def _runner(plain: bool) -> Callable[[PracticeSession], int | None]:
    """The chosen UI's `run_practice(session) -> int | None`, after its `check_practice()` (a terminal, say), so a
    UI that cannot run here never leaves an empty attempt behind."""
    import importlib

    ui = importlib.import_module("backcoach.plain" if plain else "backcoach.tui")
    ui.check_practice()
    return ui.run_practice


@app.command("run")
def run(
    ctx: typer.Context,
    case_name: Annotated[str, typer.Argument(metavar="CASE", help="A case id (see `practice list`) or a case file.")],
    plain: Annotated[
        bool, typer.Option("--plain", help="Line-by-line prompts instead of the full-screen app.")
    ] = False,
    student: Annotated[str, typer.Option("--student", help="Your name, shown to your teacher in reports.")] = "",
    resume: Annotated[
        str | None,
        typer.Option(
            "--resume",
            metavar="ATTEMPT",
            help="Carry on with an unfinished attempt at CASE (`practice report` lists attempt ids).",
        ),
    ] = None,
) -> None:
    """Start a new practice attempt with a simulated patient, or carry on with an unfinished one."""
    from backcoach.errors import UsageError
    from backcoach.practice.cases import find_case
    from backcoach.practice.session import PracticeSession

    if resume is not None and student:
        raise UsageError("--student cannot be used with --resume: the attempt already has its student")
    st = state(ctx)
    protocol = st.protocol()
    case = find_case(case_name, protocol)
    if resume is None:
        run_practice = _runner(plain)  # before the attempt is created: no empty attempt when the UI is missing
        session = PracticeSession.start(st.open_home(), protocol, case, student)
    else:  # reopened first: a missing, finished, locked or other case's attempt is the one line to show
        session = PracticeSession(st.existing_home(), protocol, case, resume)
    with session:
        if resume is not None:
            run_practice = _runner(plain)  # after the reopening, inside `with`: the attempt is closed again if not
        code = run_practice(session)
    raise typer.Exit(code or 0)


@app.command("report")
def report(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", help="Write one file per attempt into this folder.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, md, html or json.")] = "text",
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files in --out.")] = False,
) -> None:
    """Feedback on every practice attempt, for a teacher (exit 1 when an attempt could not be reported)."""
    from backcoach.errors import UsageError
    from backcoach.plain import command_for
    from backcoach.practice.attempts import AttemptStore
    from backcoach.practice.report import FORMATS, collect, gather, resume_lines, write_reports
    from backcoach.render.practice_report import render

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    st = state(ctx)
    home = st.existing_home()
    store = AttemptStore(home)
    results = gather(store, st.protocol())
    if out is not None:
        tally = write_reports(results, out.expanduser(), fmt, render, force=force, records=home.record_folders)
    else:
        tally = collect(results)
        if fmt == "text" and sys.stdout.isatty():
            from rich.rule import Rule

            from backcoach.render.practice_feedback import feedback_view

            console = stdout_console()
            for i, feedback in enumerate(tally.reported):
                console.print(Rule() if i else "", feedback_view(feedback))
        elif tally.reported or fmt == "json":
            sys.stdout.write(render(tally.reported, fmt))
        if fmt == "text":  # after the feedback, where a student looks for what to do next
            sys.stdout.writelines(f"{line}\n" for line in resume_lines(store, tally.reported, command_for(home)))
    from backcoach.textclean import show_controls  # a stray file's name may hold escape sequences

    for line in tally.failed:
        print(show_controls(f"backcoach: warning: {line}"), file=sys.stderr)
    print(tally.line(), file=sys.stderr)
    if tally.failed:
        raise typer.Exit(1)
