"""The real app, started as a user starts it (`backcoach`, `backcoach consult ID`) in a pseudo-terminal: through the
CLI and `run_app`, Textual's own terminal driver, real keys; what it draws is read back, what it saves is on disk.

Each wait is for something the app drew (or for its exit): the deadline only bounds a failure."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from backcoach.store import Home
from tests.terminal import Terminal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal (pty) needs POSIX")

CTRL_Q = "\x11"


@pytest.fixture
def run(tmp_path: Path):
    """Start `backcoach ARGS…` on the home in a 100x30 terminal; kill whatever is left at the end."""
    home = Home(tmp_path / "home")
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        terminal = Terminal(*args, home=home.root, rows=30)
        started.append(terminal)
        return terminal

    start.home = home
    yield start
    for terminal in started:
        terminal.close()


def test_consult_opens_the_patients_session_takes_an_answer_and_quits_with_0(run):
    home = run.home
    home.add_patient("Bo Newman", patient_id="bo")
    terminal = run("consult", "bo")
    terminal.wait_for("Bo Newman (bo) · initial")  # the consultation itself, not the patient list
    # opened: "Covered" is drawn once the first component is shown, after its first field was given the focus
    # (Textual sets focus through the app's queue: keys typed from now on are handled after it)
    terminal.wait_for("Covered 0/10")
    terminal.type("Swimming")
    terminal.wait_for("Swimming")
    terminal.type(CTRL_Q)
    assert terminal.finish() == 0
    assert home.load("bo").open_session.answer("planning.goals", "values") == "Swimming"


def test_bare_backcoach_opens_the_patient_list_and_quits_with_0(run):
    home = run.home
    home.add_patient("Ann Example", patient_id="ann")
    before = home.patient_path("ann").read_bytes()
    terminal = run()
    terminal.wait_for("Ann Example")
    terminal.type(CTRL_Q)
    assert terminal.finish() == 0
    assert home.patient_path("ann").read_bytes() == before  # looking writes nothing
