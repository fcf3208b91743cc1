"""`backcoach export` and `backcoach import`: summaries, handouts and records out of backcoach, and records in."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backcoach.commands import state, stdout_console
from backcoach.errors import BackcoachError, UsageError

if TYPE_CHECKING:
    from backcoach.batch_export import ExportJob, PatientResult
    from backcoach.model import PatientRecord
    from backcoach.protocol import Protocol

FORMATS = ("text", "md", "html", "svg", "json")
DEIDENTIFY_WARNING = (
    "backcoach: warning: --deidentify replaces names, years of birth and dates only; "
    "free text (answers, goals, notes) is not scrubbed: read it before sharing"
)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r}: expected a date as YYYY-MM-DD") from None


def export(
    ctx: typer.Context,
    patient_ids: Annotated[list[str] | None, typer.Argument(metavar="[ID]...", help="Patients to export.")] = None,
    all_patients: Annotated[bool, typer.Option("--all", help="Every patient, archived ones included.")] = False,
    session_id: Annotated[str | None, typer.Option("--session", metavar="SID", help="Only this session.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="F", help=f"One of: {', '.join(FORMATS)}.")] = "text",
    handout: Annotated[bool, typer.Option("--handout", help="The patient's handout instead of the summary.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", metavar="DIR", help="Write one file per session (json: per patient).")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE", help="Sessions on or after this day.")] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Sessions on or before this day.")
    ] = None,
    deidentify: Annotated[
        bool, typer.Option("--deidentify", help="Patient id for name, age band for birth year, day numbers for dates.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that already exist in DIR.")] = False,
) -> None:
    """Export session summaries, handouts (--handout) or whole records (--format json).

    Without --out, one session (the patient's latest, or --session) is printed; json prints the whole record.
    """
    from backcoach.batch_export import ExportJob

    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if handout and fmt == "json":
        raise UsageError("--handout has no json form: json exports the whole record")
    ids = list(patient_ids or [])
    if all_patients and ids:
        raise UsageError("give patient ids or --all, not both")
    if not all_patients and not ids:
        raise UsageError("name the patients to export (ID ...) or use --all")
    first, last = _date(since, "--since"), _date(until, "--until")
    if first and last and first > last:
        raise UsageError(f"--since {since} is after --until {until}: no session can match")
    st = state(ctx)
    home = st.existing_home()
    out = out.expanduser() if out is not None else None  # `--out=~/x`: the shell left the ~
    job = ExportJob(
        home=home.root,
        protocol_path=st.protocol_path,
        fmt=fmt,
        handout=handout,
        session_id=session_id,
        since=first,
        until=last,
        deidentify=deidentify,
        out=out,
        force=force,
    )
    if deidentify:
        print(DEIDENTIFY_WARNING, file=sys.stderr)
    if out is None:
        if all_patients or len(ids) != 1:
            raise UsageError("printing takes one patient; to export more, add --out DIR")
        _print_one(job, home.load(ids[0]), st.protocol())
        return
    from backcoach.locations import output_folder

    output_folder(out, home.record_folders)
    _export_many(job, out, ids if ids else home.patient_ids())


def _print_one(job: ExportJob, record: PatientRecord, protocol: Protocol) -> None:
    if job.fmt == "json":
        sys.stdout.write(job.content(record, protocol))
        return
    chosen = job.sessions(record)
    if not record.sessions:
        raise BackcoachError(f"patient {record.patient.id} has no sessions yet")
    if not chosen:
        raise UsageError(f"no session of patient {record.patient.id} matches --session/--since/--until")
    if job.fmt == "text" and sys.stdout.isatty():  # on a terminal: the same text, in colour
        from backcoach.summary.rich_view import renderable

        stdout_console().print(renderable(job.document(record, protocol, chosen[-1])))
        return
    sys.stdout.write(job.content(record, protocol, chosen[-1]))


def _report(result: PatientResult) -> None:
    from backcoach.textclean import show_controls  # a stray file's name may hold escape sequences

    if result.error:
        print(show_controls(f"backcoach: {result.patient_id}: {result.error}"), file=sys.stderr)
    for name in result.existing:
        print(f"backcoach: {name} exists; not overwritten (use --force)", file=sys.stderr)


def _export_many(job: ExportJob, out: Path, patient_ids: list[str]) -> None:
    from backcoach.batch_export import Tally, run_export

    tally = Tally()
    results = run_export(job, patient_ids)
    if sys.stderr.isatty() and len(patient_ids) > 1:
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("Exporting", total=len(patient_ids))
            for result in results:
                tally.add(result)
                _report(result)
                progress.advance(task)
    else:
        for result in results:
            tally.add(result)
            _report(result)
    typer.echo(tally.line(out))
    if not tally.ok:
        raise typer.Exit(1)


def import_files(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="JSON exports (backcoach export -f json).")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite stored sessions whose content differs from the file's.")
    ] = False,
) -> None:
    """Import patient records from JSON exports; sessions already stored are left alone."""
    from backcoach.textclean import show_controls
    from backcoach.transfer import import_record, read_export

    st = state(ctx)
    home, protocol = st.open_home(), st.protocol()
    failed, exit_code = 0, 0
    for path in files:  # one file that cannot be imported (refused, locked, damaged in the home) never stops the rest
        try:
            outcome = import_record(home, read_export(path, protocol), replace=replace, protocol=protocol)
        except BackcoachError as exc:
            print(show_controls(f"backcoach: {path}: {exc}"), file=sys.stderr)
            failed, exit_code = failed + 1, max(exit_code, exc.exit_code)
        except OSError as exc:  # reading the file, or writing into the home
            reason = exc.strerror or str(exc)
            if exc.filename == str(path):
                problem = f"cannot read ({reason})"
            else:
                problem = f"{exc.filename}: {reason}" if exc.filename else reason
            print(show_controls(f"backcoach: {path}: {problem}"), file=sys.stderr)
            failed, exit_code = failed + 1, max(exit_code, 1)
        except Exception as exc:  # a bug this file brings out: said in one line, and the next files still go in
            if os.environ.get("BACKCOACH_DEBUG"):
                raise
            print(
                show_controls(f"backcoach: {path}: internal error ({type(exc).__name__}); not imported"),
                file=sys.stderr,
            )
            failed, exit_code = failed + 1, max(exit_code, 1)
        else:
            typer.echo(show_controls(f"{path}: {outcome.describe()}"))
    if failed:
        typer.echo(f"{len(files) - failed} file(s) imported, {failed} refused")
        raise typer.Exit(exit_code)
