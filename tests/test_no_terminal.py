"""Without a terminal (a script, cron, a redirection) the interactive UIs refuse in one line instead of writing
escape codes into a file and waiting for keys that never come. Real processes, each bounded by a timeout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backcoach.store import Home

TIMEOUT = 30
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal needs POSIX")


def files(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root`, with its size and modification time: what a run wrote shows as a difference."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


@pytest.fixture
def home(tmp_path: Path) -> Home:
    home = Home(tmp_path / "home")
    home.add_patient("Ann Lee", patient_id="ann")
    home.index()
    return home


def backcoach(home: Home, *args: str, **streams) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BACKCOACH_HOME"}
    return subprocess.run(
        [sys.executable, "-m", "backcoach", "--home", str(home.root), *args],
        env=env,
        timeout=TIMEOUT,
        **streams,
    )


def assert_refused(done: subprocess.CompletedProcess, what: str) -> None:
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert err.count("\n") == 1 and err.startswith(f"backcoach: {what} needs an interactive terminal"), err
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [["consult", "ann"], []], ids=["consult", "bare"])
def test_the_app_refuses_without_a_terminal(home, args):
    """`backcoach consult ID < /dev/null > out.txt`, or bare `backcoach` from a script."""
    before = files(home.root)
    done = backcoach(home, *args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert_refused(done, "the full-screen app")
    assert "backcoach export" in done.stderr.decode()  # what to use in a script instead
    assert done.stdout == b""
    assert files(home.root) == before  # no session started, nothing written


@posix_only
def test_the_app_refuses_when_it_cannot_draw(home):
    """On Linux and macOS Textual draws on stderr: `backcoach consult ID 2> log` would draw into the log."""
    import pty

    before = files(home.root)
    master, slave = pty.openpty()
    try:
        done = backcoach(home, "consult", "ann", stdin=slave, stdout=slave, stderr=subprocess.PIPE)
    finally:
        os.close(slave)
        os.close(master)
    assert_refused(done, "the full-screen app")
    assert files(home.root) == before


@posix_only
def test_plain_mode_refuses_when_its_output_is_not_a_terminal(home):
    """`backcoach consult ID --plain > out.txt` at a terminal: the prompts would go into the file, unseen."""
    import pty

    before = files(home.root)
    master, slave = pty.openpty()
    try:
        done = backcoach(home, "consult", "ann", "--plain", stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    finally:
        os.close(slave)
        os.close(master)
    assert_refused(done, "--plain")
    assert done.stdout == b""
    assert files(home.root) == before
