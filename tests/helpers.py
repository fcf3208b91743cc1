"""Running the real CLI in tests: in-process via Typer's runner, or as a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from backcoach.cli import app


def run_cli(home: Path, *args: str, input: str | None = None):
    """Run `backcoach --home HOME ARGS…` in-process; returns Click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner(env={"COLUMNS": "200"})
    return runner.invoke(app, ["--home", str(home), *args], input=input, catch_exceptions=False)


def run_backcoach(*args: str, home: Path | None = None, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    """Run backcoach in a fresh interpreter, as a user would (main() turns errors into exit codes)."""
    env = {k: v for k, v in os.environ.items() if k != "BACKCOACH_HOME"}
    if home is not None:
        env["BACKCOACH_HOME"] = str(home)
    env.setdefault("COLUMNS", "100")
    return subprocess.run(
        [sys.executable, "-m", "backcoach", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        **kwargs,
    )


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run `backcoach ARGS…` in-process through main() (errors become exit codes); returns (code, stdout, stderr)."""
    from backcoach.cli import main

    monkeypatch.setattr(sys, "argv", ["backcoach", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err
