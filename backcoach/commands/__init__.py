"""CLI command groups. Each module defines a Typer app and imports heavy modules only inside its commands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from backcoach.errors import BackcoachError

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.protocol import Protocol
    from backcoach.store import Home


@dataclass
class AppState:
    """What the global options chose: the data folder and the protocol pack."""

    home: Path | None = None  # named by --home or BACKCOACH_HOME; None: the platform's user data folder
    protocol_path: Path | None = None
    home_named_by: str = "--home"  # which of the two named `home`, for the error when it does not exist

    def open_home(self) -> Home:
        """The home for a command that may write: a missing folder is created on its first write."""
        from backcoach.errors import UsageError
        from backcoach.locations import default_home
        from backcoach.store import Home

        # `--home=~/x` reaches us with the ~ (a shell expands it only at the start of a word), as BACKCOACH_HOME can
        root = self.home.expanduser() if self.home is not None else default_home()
        if root.exists() and not root.is_dir():
            raise UsageError(f"{self.home_named_by} {root}: not a folder")
        return Home(root)

    def existing_home(self) -> Home:
        """The home for a command that only reads it, or changes what must already be in it (a patient, an
        attempt). A folder named by --home or BACKCOACH_HOME must exist: a typo there is an error, never an empty
        clinic. The default folder is only missing for someone who never added a patient, and reads as empty."""
        home = self.open_home()  # a file in its place is a usage error there
        if self.home is not None and not home.root.exists():
            raise BackcoachError(f"no backcoach data folder at {home.root} ({self.home_named_by}); check the path")
        return home

    def protocol(self) -> Protocol:
        from backcoach.protocol import load_protocol

        return load_protocol(self.protocol_path)


def command_group(help: str) -> typer.Typer:
    """A Typer group with backcoach's settings: plain help (fast, screen-reader friendly), no locals in tracebacks."""
    return typer.Typer(
        help=help,
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_show_locals=False,
        add_completion=False,
    )


def state(ctx: typer.Context) -> AppState:
    return ctx.find_root().obj or AppState()


def stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def print_json(data: object) -> None:
    from backcoach.textclean import json_text

    typer.echo(json_text(data))
