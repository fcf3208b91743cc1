"""The `backcoach` command: a thin Typer shell over the domain services.

Only typer is imported here; every command imports what it needs inside its body, so `backcoach --help` starts
fast. Errors become one line on stderr and an exit code (0 ok, 1 error, 2 usage, 3 data integrity).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from backcoach import __version__
from backcoach.commands import AppState, consult, db, demo, export, patient, practice, protocol
from backcoach.errors import BackcoachError

app = typer.Typer(
    name="backcoach",
    help="A consultation assistant that puts self-management at the core of back-pain care.",
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(protocol.app, name="protocol")
app.add_typer(patient.app, name="patient")
app.add_typer(patient.session_app, name="session")
app.add_typer(db.app, name="db")
app.add_typer(practice.app, name="practice")
app.command("consult")(consult.consult)
app.command("demo")(demo.demo)
app.command("export")(export.export)
app.command("import")(export.import_files)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"backcoach {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            envvar="BACKCOACH_HOME",
            help="Data folder (default: your user data folder).",
            show_default=False,
        ),
    ] = None,
    protocol_file: Annotated[
        Path | None,
        typer.Option("--protocol", help="Use this protocol pack (TOML) instead of the built-in Table 1 pack."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Without a command: open the consultation app."""
    ctx.obj = AppState(home=home, protocol_path=protocol_file)
    if ctx.invoked_subcommand is None:
        from backcoach.tui import run_app

        run_app(ctx.obj.open_home(), ctx.obj.protocol())


def main() -> None:
    """Console-script entry point: run the app and turn known errors into one line and an exit code."""
    try:
        app()
    except BackcoachError as exc:
        print(f"backcoach: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a folder that cannot be created, a full disk, a permission: name it, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"backcoach: {where}{exc.strerror or exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("backcoach: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one line; the traceback only on request, never with locals
        if os.environ.get("BACKCOACH_DEBUG"):
            raise
        print(
            f"backcoach: internal error ({type(exc).__name__}); set BACKCOACH_DEBUG=1 for details",
            file=sys.stderr,
        )
        sys.exit(1)
