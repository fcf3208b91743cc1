"""How the app is entered: bare `backcoach` opens it, and the CLI never imports Textual before it must."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

import backcoach.tui
from backcoach.cli import app


def test_bare_backcoach_opens_the_app_on_the_chosen_home(tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(backcoach.tui, "run_app", lambda home, protocol, patient_id=None: opened.append(home.root))
    result = CliRunner().invoke(app, ["--home", str(tmp_path / "clinic")])
    assert result.exit_code == 0, result.output
    assert opened == [tmp_path / "clinic"]


def test_the_cli_does_not_import_textual():
    code = "import sys, backcoach.cli, backcoach.commands.consult; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
