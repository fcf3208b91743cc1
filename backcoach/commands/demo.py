"""`backcoach demo`: a small home of invented patients to explore or practise with."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backcoach.commands import state
from backcoach.errors import UsageError


def demo(
    ctx: typer.Context,
    folder: Annotated[
        Path | None, typer.Argument(help="Where to create it (default: a 'backcoach-demo' data folder).")
    ] = None,
    patients: Annotated[int, typer.Option("--patients", min=1, max=200, help="How many patients.")] = 8,
) -> None:
    """Create a demo home with invented patients and sessions (never mixed into real records)."""
    from platformdirs import user_data_path

    from backcoach.demo import make_demo_home
    from backcoach.store import Home

    folder = folder.expanduser() if folder else user_data_path("backcoach-demo", appauthor=False)
    if folder.exists() and not folder.is_dir():  # it said "File exists", exit 1
        raise UsageError(f"{folder}: not a folder; choose an empty folder")
    home = Home(folder)
    if home.patient_ids():
        raise UsageError(f"{folder} already has patients; choose an empty folder")
    make_demo_home(home, state(ctx).protocol(), patients, 3)
    home.index(rebuild=True)
    typer.echo(f"Demo home with {patients} invented patients: {folder}")
    typer.echo(f"Try: backcoach --home {folder}")
