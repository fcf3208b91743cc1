"""Regenerate the user-guide screenshots (SVG) from the real app: `python scripts/screenshots.py`.

A demo home with fixed dates is built in a temporary folder, the app runs headless at 120×34, and each scene is
saved to scripts/screenshots/<name>.svg. README.md shows them.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from backcoach.protocol import builtin_protocol
from backcoach.store import Home
from backcoach.tui.app import BackcoachApp

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "scripts" / "screenshots"
SIZE = (120, 34)
sys.path.insert(0, str(ROOT))

from tests.tui.clinic import FEB, add_session, demo_clinic, fixed_clock  # noqa: E402  (the tests' fixed clinic)


def demo_home(root: Path) -> Home:
    """The tests' clinic, plus a follow-up started for Ann and a third patient."""
    home, protocol = demo_clinic(Home(root), builtin_protocol()), builtin_protocol()
    home.add_patient("Cy Walker", patient_id="cy", born=1975)
    add_session(home, protocol, "ann", FEB, {}, complete=False)
    return home


Scene = Callable[[BackcoachApp, object], Awaitable[None]]


async def at(component_id: str, app: BackcoachApp, pilot) -> None:
    await app.screen.goto(component_id)
    await pilot.pause()


async def review(app: BackcoachApp, pilot) -> None:
    await at("evaluation.goal_review", app, pilot)
    app.screen.query("RadioSet.attainment").first().focus()
    await pilot.press("down", "enter", "tab", *"Walked twice, with my neighbour", "tab", "enter")
    await pilot.pause()


async def summary_export(app: BackcoachApp, pilot) -> None:
    """Ann's completed first session: its summary, with the export dialog open over it."""
    from backcoach.tui.screens.summary import SummaryScreen

    record = app.home.load("ann")
    await app.push_screen(SummaryScreen(record, record.sessions[0]))
    app.export_folder = Path("/home/clinic/backcoach-exports")  # the folder offered: fixed, not this machine's
    await pilot.press("e")
    await pilot.pause()


SCENES: dict[str, tuple[str | None, Scene | None]] = {
    "home": (None, None),
    "planning-goals": ("ann", lambda app, pilot: at("planning.goals", app, pilot)),
    "planning-readiness": ("ann", lambda app, pilot: at("planning.readiness", app, pilot)),
    "delivery-fears": ("ann", lambda app, pilot: at("delivery.successful_experiences", app, pilot)),
    "evaluation-review": ("ann", review),
    "evaluation-action-plan": ("ann", lambda app, pilot: at("evaluation.action_plan", app, pilot)),
    "summary-export": (None, summary_export),
}


async def shoot(root: Path, name: str, patient_id: str | None, scene: Scene | None) -> Path:
    home = demo_home(root / name)
    app = BackcoachApp(home, builtin_protocol(), patient_id=patient_id, clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if scene is not None:
            await scene(app, pilot)
        await pilot.wait_for_scheduled_animations()
        path = OUT / f"{name}.svg"
        app.save_screenshot(str(path))
        await pilot.press("escape")  # leave without quitting the demo consultation half-done on disk
    return path


async def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="backcoach-shots-") as tmp:
        for name, (pid, scene) in SCENES.items():
            print(await shoot(Path(tmp), name, pid, scene))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
