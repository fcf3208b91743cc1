"""Running backcoach on a real pseudo-terminal, as a user's terminal runs it (POSIX only).

The child gets the pty as stdin, stdout, stderr and controlling terminal, so Ctrl-C typed there is what a user's is.
Output is read with a deadline and searched for what the test waits for (a prompt, a line): nothing sleeps. Like a
terminal, it answers the cursor position requests prompt_toolkit makes (the cursor is on the bottom row).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

CPR = b"\x1b[6n"  # a cursor position request (prompt_toolkit asks at each prompt, and waits a second for the answer)
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def plain_text(raw: str) -> str:
    """What the terminal shows, roughly: escape sequences removed, line ends as \\n."""
    return ANSI.sub("", raw).replace("\r\n", "\n").replace("\r", "\n")


class Terminal:
    """`backcoach ARGS…` on a new pty of `columns`×`rows`, its data folder `home` (BACKCOACH_HOME)."""

    def __init__(self, *args: str, home: Path, env: dict[str, str] | None = None, columns: int = 100, rows: int = 40):
        import fcntl
        import pty
        import struct
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        environ = {
            k: v
            for k, v in os.environ.items()
            if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES") and not k.startswith(("BACKCOACH_", "TEXTUAL"))
        }
        environ.update(BACKCOACH_HOME=str(home), TERM="xterm-256color", **(env or {}))

        def controlling_terminal() -> None:  # in the child, after setsid: the pty becomes its terminal
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "backcoach", *args],
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=environ,
                start_new_session=True,
                preexec_fn=controlling_terminal,
            )
        finally:
            os.close(slave)
        self.rows = rows
        self.raw = b""
        self.seen = 0  # where in `text` the next wait looks from

    def _read(self, deadline: float) -> bool:
        """Read what has come (waiting until `deadline` at most); False at the end of the output."""
        import select

        ready, _, _ = select.select([self.master], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: every copy of the pty's other end is closed (the child ended)
            return False
        for _ in range((self.raw[-3:] + chunk).count(CPR)):  # where is the cursor? (as a terminal answers)
            self.type(f"\x1b[{self.rows};1R")
        self.raw += chunk
        return bool(chunk)

    @property
    def text(self) -> str:
        return plain_text(self.raw.decode("utf-8", "replace"))

    def wait_for(self, wanted: str, timeout: float = 60) -> None:
        """Read until the terminal shows `wanted` after what the last wait found; the next wait looks after it."""
        deadline = time.monotonic() + timeout
        while (found := self.text.find(wanted, self.seen)) < 0 and time.monotonic() < deadline:
            if not self._read(deadline):
                break
        assert found >= 0, f"{wanted!r} never shown; the terminal shows:\n{self.text[self.seen :]}"
        self.seen = found + len(wanted)

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self, timeout: float = 60) -> int:
        """Read everything up to the end of the output, then the exit code."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(deadline):
            pass
        try:
            return self.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
