"""`backcoach db …`: check, repair and back up the data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backcoach.commands import command_group, state
from backcoach.errors import BackcoachError

app = command_group("Check, repair or back up the data folder.")


@app.command("check")
def check(
    ctx: typer.Context,
    repair: Annotated[
        bool, typer.Option("--repair", help="Rebuild the index and restore damaged files from their .bak.")
    ] = False,
) -> None:
    """Verify every patient file, practice attempt and index (exit 0 clean, 3 with problems)."""
    from backcoach.practice.attempts import check_attempts
    from backcoach.store.maintenance import check_home
    from backcoach.textclean import show_controls

    home = state(ctx).existing_home()
    report = check_home(home, repair=repair)  # the patient files first: an attempt's metadata is checked against its
    repaired, problems = check_attempts(home, repair=repair)
    report.repaired += repaired
    report.problems += problems
    for line in report.notes:  # a file's name may hold escape sequences: shown as stand-ins
        typer.echo(f"note: {show_controls(line)}")
    for line in report.repaired:
        typer.echo(f"repaired: {show_controls(line)}")
    for line in report.problems:
        typer.echo(f"problem: {show_controls(line)}", err=True)
    attempts = f" and {report.attempts} practice attempt(s)" if report.attempts else ""
    checked = f"{report.checked} patient files{attempts} checked in {home.root}"
    typer.echo(f"{checked}: {len(report.problems)} problem(s)")
    if report.problems:
        raise typer.Exit(3)


@app.command("backup")
def backup(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", help="The zip file to write (outside the data folder, or in its backups/).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --out file if it exists.")] = False,
) -> None:
    """Write the whole data folder to one zip file (written atomically, never over an earlier backup)."""
    from backcoach.store.maintenance import backup_home, backup_members, left_out_reason

    home = state(ctx).existing_home()
    if not home.root.is_dir():  # the default folder of someone who never added a patient
        raise BackcoachError(f"nothing to back up yet: there is no backcoach data folder at {home.root}")
    written = backup_home(home, out.expanduser() if out is not None else None, force=force)
    from backcoach.textclean import show_controls

    for path in backup_members(home)[1]:
        shown = show_controls(str(path))
        typer.echo(f"backcoach: warning: {shown} left out: {left_out_reason(path)}", err=True)
    typer.echo(str(written))  # the path asked for, as it is: a script reads it
