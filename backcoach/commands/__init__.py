"""CLI command groups. Each module defines a Typer app and imports heavy modules only inside its commands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.protocol import Protocol
    from backcoach.store import Home


@dataclass
class AppState:
    """What the global options chose: the data folder and the protocol pack."""

    home: Path | None = None
    protocol_path: Path | None = None

    def open_home(self) -> Home:
        from backcoach.errors import UsageError
        from backcoach.locations import default_home
        from backcoach.store import Home

        # `--home=~/x` reaches us with the ~ (a shell expands it only at the start of a word), as BACKCOACH_HOME can
        root = self.home.expanduser() if self.home is not None else default_home()
        if root.exists() and not root.is_dir():
            raise UsageError(f"--home {root}: not a folder")
        return Home(root)

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
