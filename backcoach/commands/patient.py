"""`backcoach patient …` and `backcoach session …`: manage patients and list their sessions."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from backcoach.commands import command_group, print_json, state, stdout_console

app = command_group("Add, list, show and archive patients.")
session_app = command_group("List consultation sessions.")


def warn(message: str) -> None:
    from backcoach.textclean import show_controls

    print(f"backcoach: warning: {show_controls(message)}", file=sys.stderr)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The patient's name as you want to see it.")],
    patient_id: Annotated[str | None, typer.Option("--id", help="Your own id (letters, digits, - and _).")] = None,
    born: Annotated[int | None, typer.Option("--born", help="Year of birth.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the new patient as JSON.")] = False,
) -> None:
    """Add a patient; prints the new id."""
    patient = state(ctx).open_home().add_patient(name, patient_id=patient_id, born=born)
    if as_json:
        print_json(patient.to_dict())
    else:
        typer.echo(patient.id)


@app.command("list")
def list_patients(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Include archived patients.")] = False,
) -> None:
    """List patients (archived ones only with --all)."""
    from backcoach.render.patients import print_patient_list

    home = state(ctx).existing_home()
    entries = home.index()
    for entry in entries:
        if entry.damaged:
            warn(f"patients/{entry.id}.json is damaged ({entry.damaged}); run `backcoach db check`")
    from backcoach.model import PATIENT_ID

    for stray in (pid for pid in home.patient_ids() if not PATIENT_ID.fullmatch(pid)):  # the index has no entry
        warn(f"patients/{stray}.json is damaged (its name is not a patient id); run `backcoach db check`")
    shown = [e for e in entries if not e.damaged and (show_all or not e.archived)]
    if as_json:
        keys = ("id", "name", "born", "archived", "created", "sessions", "last_session", "open_session")
        print_json([{k: getattr(e, k) for k in keys} for e in shown])
    elif not entries:  # a new home, or the default one of someone who never added a patient
        from backcoach.plain import command_for

        typer.echo(f"No patients yet: add one with `{command_for(home)} patient add NAME`")
    else:
        print_patient_list(shown)


@app.command("show")
def show(
    ctx: typer.Context,
    patient_id: Annotated[str, typer.Argument(metavar="ID", help="The patient's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a patient and their sessions."""
    record = state(ctx).existing_home().load(patient_id)
    if as_json:
        print_json(record.to_dict())
        return
    from backcoach.render.patients import patient_view

    stdout_console().print(patient_view(record, state(ctx).protocol()))


@app.command("archive")
def archive(
    ctx: typer.Context,
    patient_id: Annotated[str, typer.Argument(metavar="ID", help="The patient's id.")],
    undo: Annotated[bool, typer.Option("--undo", help="Bring an archived patient back.")] = False,
) -> None:
    """Archive a patient (hidden from lists; nothing is deleted)."""
    patient = state(ctx).existing_home().archive(patient_id, archived=not undo)
    typer.echo(f"{patient.id}: {'archived' if patient.archived else 'active'}")


@session_app.command("list")
def list_sessions(
    ctx: typer.Context,
    patient_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="Only this patient's sessions.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List sessions, of one patient or of everyone."""
    from backcoach.render.patients import print_session_list, session_rows

    home = state(ctx).existing_home()
    if patient_id is not None:
        records = [home.load(patient_id)]
    else:
        records = []
        for _pid, rec in home.records():
            if isinstance(rec, Exception):
                warn(str(rec))
            else:
                records.append(rec)
    rows = session_rows(records, state(ctx).protocol())
    if as_json:
        print_json(rows)
    else:
        print_session_list(rows)
