"""Rows for `make bench`: how fast the consultation app is ready, and how much memory it takes.

`backcoach consult ID` for a patient with 20 sessions is run through the real CLI in a child process, headless,
until the consultation screen has focus in its first answer field (its first interactive frame); the baseline is
a bare Textual app with a Header and a Footer, run the same way in the same run. Both run at 80x24, the size a
terminal would report: left to itself a headless app starts at 80x25 (Rich's default) and is then resized to the
driver's 80x24, a relayout no terminal causes.
Run a child by hand with `python scripts/bench_tui.py child consult HOME ID` or `... child bare`.
"""

from __future__ import annotations

import asyncio
import importlib.abc
import importlib.util
import resource
import subprocess
import sys
from pathlib import Path

from bench import Measurement, timed

SESSIONS = 20
PATIENT = "bench20"


def build_home(root: Path) -> Path:
    """A home with one patient and 20 sessions (19 complete, the last open), all answered in part."""
    from backcoach.protocol import builtin_protocol
    from backcoach.store import Home

    protocol, home = builtin_protocol(), Home(root)
    if not home.patient_path(PATIENT).exists():
        home.add_patient("Bench Patient", patient_id=PATIENT, born=1970)
        with home.open(PATIENT) as writer:
            for n in range(SESSIONS):
                session = writer.record.new_session(protocol)
                session.set_answer(protocol, "planning.goals", "values", f"Session {n}: walking, gardening")
                goal = {"text": f"Walk {n + 1} km three times a week", "parts": {"time_bound": "In 4 weeks"}}
                session.set_answer(protocol, "planning.goals", "goals", [goal])
                rated = [{"item": "Lifting a bag", "rating": max(0, 8 - n // 3)}]
                session.set_answer(protocol, "delivery.successful_experiences", "feared_activities", rated)
                if n < SESSIONS - 1:
                    session.complete()
                writer.save_session(session)
    return root


def headless_once_imported(auto_pilot) -> None:
    """Make Textual's `App.run` headless at 80x24 with `auto_pilot` at the moment `textual.app` is first imported.

    The app under test loads Textual itself, when and how it does in a terminal (backcoach loads it after its own
    modules, with the garbage collector paused): importing Textual here first would time a start no user has."""

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "textual.app":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            load = spec.loader.exec_module

            def exec_module(module) -> None:
                load(module)
                run = module.App.run
                module.App.run = lambda app, **_: run(app, headless=True, size=(80, 24), auto_pilot=auto_pilot)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Finder())


def child(kind: str, *args: str) -> None:
    """Run one app headless until it is ready for typing, then print the peak memory (MB) and exit."""

    async def until_interactive(pilot) -> None:
        if kind == "consult":
            from backcoach.tui.screens.consult import ConsultScreen

            while not (isinstance(pilot.app.screen, ConsultScreen) and pilot.app.focused is not None):
                await asyncio.sleep(0.002)
        await pilot.pause()
        pilot.app.exit()

    headless_once_imported(until_interactive)
    if kind == "bare":
        from textual.app import App
        from textual.widgets import Footer, Header

        class Bare(App):
            def compose(self):
                yield Header()
                yield Footer()

        Bare().run()
    else:
        import backcoach.terminal
        from backcoach.cli import app

        # headless, with no terminal: the app's check for one (three isatty calls) would refuse to start
        backcoach.terminal.need_terminal = lambda *_, **__: None
        home, patient = args
        app(["--home", home, "consult", patient], standalone_mode=False)
    print(f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")


def _child_command(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "child", *args]


def _peak_mb(*args: str) -> float:
    out = subprocess.run(_child_command(*args), check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def measurements(workdir: Path) -> list[Measurement]:
    home = str(build_home(workdir / "tui-home"))
    consult = ("consult", home, PATIENT)

    def run(*args: str):
        return timed(lambda: subprocess.run(_child_command(*args), check=True, stdout=subprocess.DEVNULL))

    return [
        Measurement(
            f"consult ready, {SESSIONS} sessions (vs bare Textual)",
            run(*consult),
            run("bare"),
            max_ratio=1.5,
            repeat=11,  # ±20 ms of noise on a 300 ms process: more samples keep the median steady
        ),
        Measurement(
            f"consult peak memory, {SESSIONS} sessions", lambda: _peak_mb(*consult), unit="MB", max_value=100, repeat=3
        ),
    ]


if __name__ == "__main__" and sys.argv[1:2] == ["child"]:
    child(*sys.argv[2:])
