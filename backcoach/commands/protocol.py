"""`backcoach protocol …`: show and check protocol packs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backcoach.commands import command_group, print_json, state, stdout_console

app = command_group("Show or check a protocol pack.")


@app.command("show")
def show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the pack as JSON.")] = False,
) -> None:
    """Show the protocol: phases, components, How/Why and answer fields."""
    pack = state(ctx).protocol()
    if as_json:
        print_json(pack.to_dict())
        return
    from backcoach.render.protocol_tree import protocol_tree

    stdout_console().print(protocol_tree(pack))


@app.command("check")
def check(file: Annotated[Path, typer.Argument(help="The pack (TOML) to check.")]) -> None:
    """Check a pack: exit 0 when valid, 1 with the problem when not."""
    from backcoach.protocol import load_protocol

    pack = load_protocol(file)
    phases, comps = len(pack.phases), len(pack.components)
    typer.echo(f"{file}: valid ({phases} phase{'s' * (phases != 1)}, {comps} component{'s' * (comps != 1)})")
