"""`backcoach consult ID`: run a consultation, full-screen (default) or as plain prompts (--plain)."""

from __future__ import annotations

from typing import Annotated

import typer

from backcoach.commands import state


def consult(
    ctx: typer.Context,
    patient_id: Annotated[str, typer.Argument(metavar="ID", help="The patient's id.")],
    plain: Annotated[
        bool, typer.Option("--plain", help="Line-by-line prompts instead of the full-screen app.")
    ] = False,
) -> None:
    """Resume the patient's open session, or start a new one."""
    st = state(ctx)
    home, protocol = st.existing_home(), st.protocol()  # it writes only into an existing patient
    home.load(patient_id)  # a clear error before any UI starts
    if plain:
        from backcoach.plain import run_consultation

        raise typer.Exit(run_consultation(home, protocol, patient_id))
    from backcoach.tui import run_app

    raise typer.Exit(run_app(home, protocol, patient_id=patient_id) or 0)
