"""The `backcoach` command: a thin Typer shell over the domain services.

Only typer is imported here; every command imports what it needs inside its body, so `backcoach --help` starts
fast. Errors become one line on stderr and an exit code (0 ok, 1 error, 2 usage, 3 data integrity).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.main import get_command_from_info, get_group_from_info
from typer.models import CommandInfo, TyperInfo

from backcoach import __version__
from backcoach.commands import AppState, consult, db, demo, export, patient, practice, protocol
from backcoach.errors import BackcoachError

# The subcommands. Typer would turn every one into a Click command (inspecting each function's signature) on every
# run; the root group below converts only the one that is run (with the same typer.main functions Typer uses), so
# `backcoach consult ID` reaches its UI sooner.
subcommands = typer.Typer()
subcommands.command("consult")(consult.consult)
subcommands.command("demo")(demo.demo)
subcommands.command("export")(export.export)
subcommands.command("import")(export.import_files)
subcommands.add_typer(protocol.app, name="protocol")
subcommands.add_typer(patient.app, name="patient")
subcommands.add_typer(patient.session_app, name="session")
subcommands.add_typer(db.app, name="db")
subcommands.add_typer(practice.app, name="practice")


class LazyCommands(Mapping[str, Any]):
    """The root group's `commands`: each of `subcommands` converted to a Click command when first looked up."""

    def __init__(self) -> None:
        self.infos: dict[str, CommandInfo | TyperInfo] = {
            info.name: info for info in (*subcommands.registered_commands, *subcommands.registered_groups)
        }
        self.built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.built:
            info = self.infos[name]
            settings = {
                "pretty_exceptions_short": app.pretty_exceptions_short,
                "rich_markup_mode": app.rich_markup_mode,
            }
            if isinstance(info, TyperInfo):
                self.built[name] = get_group_from_info(info, suggest_commands=app.suggest_commands, **settings)
            else:
                self.built[name] = get_command_from_info(info, **settings)
        return self.built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.infos)

    def __len__(self) -> int:
        return len(self.infos)


class RootGroup(TyperGroup):
    """`backcoach`: its subcommands come from `subcommands`, each built only when it is looked up (help builds all)."""

    def __init__(self, **attrs: Any):
        super().__init__(**attrs)
        self.commands = LazyCommands()


app = typer.Typer(
    cls=RootGroup,
    name="backcoach",
    help="A consultation assistant that puts self-management at the core of back-pain care.",
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
    source = ctx.get_parameter_source("home")  # named in the error when that folder does not exist
    named = "BACKCOACH_HOME" if source is not None and source.name == "ENVIRONMENT" else "--home"
    ctx.obj = AppState(home=home, protocol_path=protocol_file, home_named_by=named)
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
