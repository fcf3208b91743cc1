"""The one adapter over Typer's private API: what the root command's lazy loading and one-line usage errors use.

Typer turns every subcommand into a Click command on every run; cli.py's root group turns only the one that is run,
with the functions Typer itself uses for that (`typer.main.get_command_from_info`, `get_group_from_info`), the
records a Typer app keeps of its commands (`registered_commands`, `registered_groups`: `typer.models` infos) and its
settings (`pretty_exceptions_short`, `rich_markup_mode`, `suggest_commands`). Typer 0.26 ships Click inside itself
as `typer._click`, so Click's usage errors come from there, and the root group is a `typer.core.TyperGroup`.
None of this is documented: tests/test_private_api.py pins every name and signature used here, so a Typer upgrade
that changes one fails there, by name, rather than at a user's `backcoach` command.
"""

from __future__ import annotations

from typing import Any

import typer
from typer._click.exceptions import NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperGroup
from typer.main import get_command_from_info, get_group_from_info
from typer.models import CommandInfo, TyperInfo

__all__ = ["ClickUsageError", "NoArgsIsHelpError", "TyperGroup", "registered", "to_click"]


def registered(typer_app: typer.Typer) -> dict[str, CommandInfo | TyperInfo]:
    """The commands and sub-apps registered on `typer_app` (by `command` and `add_typer`), by name."""
    infos: list[CommandInfo | TyperInfo] = [*typer_app.registered_commands, *typer_app.registered_groups]
    return {info.name: info for info in infos if info.name}  # each is registered with its name


def to_click(info: CommandInfo | TyperInfo, settings_from: typer.Typer) -> Any:
    """The Click command (a group for a sub-app) Typer builds for `info`, with the settings of `settings_from`."""
    short, markup = settings_from.pretty_exceptions_short, settings_from.rich_markup_mode
    if isinstance(info, TyperInfo):
        return get_group_from_info(
            info,
            suggest_commands=settings_from.suggest_commands,
            pretty_exceptions_short=short,
            rich_markup_mode=markup,
        )
    return get_command_from_info(info, pretty_exceptions_short=short, rich_markup_mode=markup)
