"""Regenerate the user-guide screenshots (SVG) from the real app: `python scripts/screenshots.py`.

A demo home with fixed dates is built in a temporary folder, the app runs headless at 120×34, and each scene is
saved to scripts/screenshots/<name>.svg. The guide that shows them is scripts/screenshots/GUIDE.md.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from backcoach.protocol import builtin_protocol
from backcoach.store import Home
from backcoach.tui.app import BackcoachApp

OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (120, 34)
JAN = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
FEB = datetime(2026, 2, 9, 10, 0, tzinfo=UTC)

INITIAL = {
    ("planning.goals", "values"): "Playing with my grandchildren; gardening",
    ("planning.goals", "goals"): [
        {
            "id": "g1",
            "text": "Walk to the market and back three times a week",
            "parts": {"specific": "To the market on foot, with my neighbour", "time_bound": "In four weeks"},
        },
        {"id": "g2", "text": "I want to be pain free", "parts": {}},
    ],
    ("planning.readiness", "stage"): "preparation",
    ("planning.readiness", "confidence"): 7,
    ("delivery.successful_experiences", "feared_activities"): [
        {"id": "f1", "item": "Lifting a shopping bag", "rating": 8},
        {"id": "f2", "item": "Bending to the floor", "rating": 6},
    ],
    ("evaluation.action_plan", "flare_up_plan"): "Keep walking, shorter walks; breathing exercises",
    ("evaluation.action_plan", "red_flags_reviewed"): ["bladder", "bowel", "saddle_numbness"],
}


def demo_home(root: Path) -> Home:
    home, protocol = Home(root), builtin_protocol()
    for pid, name, born in (("ann", "Ann Example", 1968), ("bo", "Bo Newman", 1990), ("cy", "Cy Walker", 1975)):
        home.add_patient(name, patient_id=pid, born=born)
    for started, answers, complete in ((JAN, INITIAL, True), (FEB, {}, False)):
        with home.open("ann") as writer:
            session = writer.record.new_session(protocol)
            for (comp, field), value in answers.items():
                session.set_answer(protocol, comp, field, value)
            if complete:
                session.complete()
                session.ended = started
            session.started = session.updated = started
            writer.save_session(session)
    return home


def clock() -> datetime:
    return datetime(2026, 2, 9, 10, 24, 5)


Scene = Callable[[BackcoachApp, object], Awaitable[None]]


async def at(component_id: str, app: BackcoachApp, pilot) -> None:
    await app.screen.goto(component_id)
    await pilot.pause()


async def review(app: BackcoachApp, pilot) -> None:
    await at("evaluation.goal_review", app, pilot)
    app.screen.query("RadioSet.attainment").first().focus()
    await pilot.press("down", "enter", "tab", *"Walked twice, with my neighbour", "tab", "enter")
    await pilot.pause()


SCENES: dict[str, tuple[str | None, Scene | None]] = {
    "home": (None, None),
    "planning-goals": ("ann", lambda app, pilot: at("planning.goals", app, pilot)),
    "planning-readiness": ("ann", lambda app, pilot: at("planning.readiness", app, pilot)),
    "delivery-fears": ("ann", lambda app, pilot: at("delivery.successful_experiences", app, pilot)),
    "evaluation-review": ("ann", review),
    "evaluation-action-plan": ("ann", lambda app, pilot: at("evaluation.action_plan", app, pilot)),
}


async def shoot(root: Path, name: str, patient_id: str | None, scene: Scene | None) -> Path:
    home = demo_home(root / name)
    app = BackcoachApp(home, builtin_protocol(), patient_id=patient_id, clock=clock)
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
