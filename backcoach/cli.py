"""The `backcoach` command: a thin Typer shell over the domain services.

Only typer is imported here; every command imports what it needs inside its body, so `backcoach --help` starts
fast. Errors become one line on stderr and an exit code (0 ok, 1 error, 2 usage, 3 data integrity).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from backcoach import __version__
from backcoach.commands import AppState, consult, db, demo, export, patient, practice, protocol
from backcoach.errors import BackcoachError, error_line
from backcoach.typer_private import ClickUsageError, NoArgsIsHelpError, TyperGroup, registered, to_click

# The subcommands. Typer would turn every one into a Click command (inspecting each function's signature) on every
# run; the root group below converts only the one that is run (with the functions Typer itself uses, through
# typer_private), so `backcoach consult ID` reaches its UI sooner.
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
        self.infos = registered(subcommands)
        self.built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.built:
            self.built[name] = hinted(to_click(self.infos[name], app))
        return self.built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.infos)

    def __len__(self) -> int:
        return len(self.infos)


class OneLineUsageError(ClickUsageError):
    """A Click usage error shown as backcoach shows every error: one line on stderr, with the help hint (exit 2).

    Click shows a usage error in four lines (usage, hint, a blank line, the error)."""

    def __init__(self, message: str, ctx: Any = None, command_path: str = "backcoach"):
        super().__init__(message, ctx)
        self.command_path = ctx.command_path if ctx is not None else command_path

    def show(self, file: Any = None) -> None:
        message = self.format_message().rstrip(".")
        typer.echo(f"backcoach: {message}; try '{self.command_path} --help'", file=file, err=file is None)


@contextlib.contextmanager
def one_line_usage(command_path: str = "backcoach") -> Iterator[None]:
    """Click's usage errors (an unknown option, a missing argument, a bad value) as `OneLineUsageError`, hinting at
    the help of their command (else `command_path`'s); a group called without a command still shows its help."""
    try:
        yield
    except (NoArgsIsHelpError, OneLineUsageError):
        raise
    except ClickUsageError as exc:
        raise OneLineUsageError(" ".join(exc.format_message().split()), exc.ctx, command_path) from None


def hinted(command: Any) -> Any:
    """`command` (and, for a group, its subcommands) with its usage errors hinting at its own help: Click raises some
    without a context ("Option '--out' requires an argument"), which hinted at `backcoach --help`."""
    make = command.make_context

    def make_context(info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        path = f"{parent.command_path} {info_name}" if parent is not None else info_name or "backcoach"
        with one_line_usage(path):
            return make(info_name, args, parent, **extra)

    command.make_context = make_context
    for sub in getattr(command, "commands", {}).values():
        hinted(sub)
    return command


class RootGroup(TyperGroup):
    """`backcoach`: its subcommands come from `subcommands`, each built only when it is looked up (help builds all).

    Usage errors, the root's and every subcommand's (their arguments are parsed inside the root's `invoke`), are one
    line: `one_line_usage`."""

    def __init__(self, **attrs: Any):
        super().__init__(**attrs)
        # Click types `commands` as a MutableMapping; this group's are built when looked up and never added to
        self.commands = LazyCommands()  # type: ignore[assignment]

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        with one_line_usage(info_name or "backcoach"):
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with one_line_usage(ctx.command_path):
            return super().invoke(ctx)


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
        str | None,  # text, not Path: Path("") is the current folder, and an empty --home must be refused
        typer.Option(
            "--home",
            metavar="PATH",
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
    if home is not None and not home.strip():
        from backcoach.errors import UsageError

        raise UsageError(f"{named} is empty; name the data folder")
    ctx.obj = AppState(
        home=Path(home) if home is not None else None,
        protocol_path=protocol_file.expanduser() if protocol_file is not None else None,
        home_named_by=named,
    )
    if ctx.invoked_subcommand is None:
        from backcoach.tui import run_app

        raise typer.Exit(run_app(ctx.obj.open_home(), ctx.obj.protocol()) or 0)


def main() -> None:
    """Console-script entry point: run the app and turn known errors into one line and an exit code."""
    try:
        app()
    except KeyboardInterrupt:
        print("backcoach: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a bug: one line; the traceback only on request, never with locals
        if os.environ.get("BACKCOACH_DEBUG") and not isinstance(exc, (BackcoachError, OSError)):
            raise
        line, code = error_line(exc)
        print(line, file=sys.stderr)
        sys.exit(code)
