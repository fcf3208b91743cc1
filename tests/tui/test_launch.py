"""The real app, started as a user starts it (`backcoach`, `backcoach consult ID`) in a pseudo-terminal: through the
CLI and `run_app`, Textual's own terminal driver, real keys; what it draws is read back, what it saves is on disk.

Each wait is for something the app drew (or for its exit): the deadline only bounds a failure."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backcoach.store import Home

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal (pty) needs POSIX")

DEADLINE = 60.0  # seconds: a failure bound on a loaded machine, never a wait for success
LIMIT = 16 << 20  # bytes of output: a runaway app fails the test instead of filling memory
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[ -~]")
CTRL_Q = b"\x11"


class PseudoTerminal:
    """A pseudo-terminal of `columns` × `rows` running `argv` as its only program (stdin, stdout and stderr)."""

    def __init__(self, argv: list[str], env: dict[str, str], columns: int = 100, rows: int = 30):
        import fcntl
        import struct
        import termios

        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        try:
            self.process = subprocess.Popen(
                argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True
            )
        finally:
            os.close(slave)  # the child's copies only: reading then ends (EIO) when the app has exited
        self.master = master
        self.output = bytearray()
        self.closed = False

    def text(self) -> str:
        """Everything drawn so far, escape sequences taken out (so one line's text reads as one string)."""
        return ESCAPES.sub(b"", bytes(self.output)).decode("utf-8", "replace")

    def read(self, until: float) -> None:
        """Read what the app has written, waiting for output at most until the monotonic time `until`."""
        import select

        ready, _, _ = select.select([self.master], [], [], max(0.0, until - time.monotonic()))
        if not ready:
            return
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: every copy of the terminal's other end is closed, the app has exited
            chunk = b""
        if not chunk:
            self.closed = True
        self.output += chunk
        assert len(self.output) < LIMIT, "the app wrote more than a terminal screen ever needs"

    def shows(self, text: str, deadline: float) -> None:
        """Read on until `text` has been drawn; fail at `deadline` (or if the app exits first)."""
        while text not in self.text():
            assert not self.closed and time.monotonic() < deadline, f"{text!r} never drawn:\n{self.text()[-3000:]}"
            self.read(deadline)

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def exit_code(self, deadline: float) -> int:
        """Read on (the app must not block on a full terminal) until the app has exited; its exit code."""
        while self.process.poll() is None:
            assert time.monotonic() < deadline, f"the app did not exit:\n{self.text()[-3000:]}"
            if self.closed:
                self.process.wait(max(0.0, deadline - time.monotonic()))
            else:
                self.read(min(deadline, time.monotonic() + 0.5))  # reading, not sleeping: it ends on output
        return self.process.returncode

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def run(tmp_path: Path):
    """Start `backcoach ARGS…` on the home in a terminal; kill whatever is left at the end."""
    home = Home(tmp_path / "home")
    started: list[PseudoTerminal] = []
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BACKCOACH_", "TEXTUAL")) and k not in ("COLUMNS", "LINES")
    }
    env["TERM"] = "xterm-256color"

    def start(*args: str) -> PseudoTerminal:
        terminal = PseudoTerminal([sys.executable, "-m", "backcoach", "--home", str(home.root), *args], env)
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
    deadline = time.monotonic() + DEADLINE
    terminal.shows("Bo Newman (bo) · initial", deadline)  # the consultation itself, not the patient list
    # opened: "Covered" is drawn once the first component is shown, after its first field was given the focus
    # (Textual sets focus through the app's queue: keys typed from now on are handled after it)
    terminal.shows("Covered 0/10", deadline)
    terminal.type(b"Swimming")
    terminal.shows("Swimming", deadline)
    terminal.type(CTRL_Q)
    assert terminal.exit_code(deadline) == 0
    assert home.load("bo").open_session.answer("planning.goals", "values") == "Swimming"


def test_bare_backcoach_opens_the_patient_list_and_quits_with_0(run):
    home = run.home
    home.add_patient("Ann Example", patient_id="ann")
    before = home.patient_path("ann").read_bytes()
    terminal = run()
    deadline = time.monotonic() + DEADLINE
    terminal.shows("Ann Example", deadline)
    terminal.type(CTRL_Q)
    assert terminal.exit_code(deadline) == 0
    assert home.patient_path("ann").read_bytes() == before  # looking writes nothing
