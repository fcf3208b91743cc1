"""Fast start: the CLI must not import the heavy UI and storage modules it does not need."""

import json
import subprocess
import sys

import pytest

HEAVY = ("textual", "questionary", "prompt_toolkit", "tinydb", "pydantic")

PROBE = """
import io, json, sys, contextlib
from backcoach.cli import app
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        app(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy})))
"""


@pytest.mark.parametrize("argv", [["--help"], ["protocol", "show"], ["protocol", "show", "--json"], ["--version"]])
def test_cli_does_not_import_heavy_modules(argv, tmp_path):
    code = PROBE.replace("{heavy}", repr(set(HEAVY)))
    result = subprocess.run(
        [sys.executable, "-c", code, "--home", str(tmp_path), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert imported == []


def test_version_and_module_entry_point():
    from backcoach import __version__

    result = subprocess.run(
        [sys.executable, "-m", "backcoach", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout.strip() == f"backcoach {__version__}"


def test_usage_error_exits_2():
    result = subprocess.run([sys.executable, "-m", "backcoach", "no-such-command"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_a_command_converts_only_itself_to_click(tmp_path, capsys):
    """Typer's conversion of a command inspects its signature: the root group does it for the command run only."""
    from typer.main import get_command

    from backcoach.cli import app

    group = get_command(app)
    group.main(["--home", str(tmp_path), "protocol", "show", "--json"], standalone_mode=False)
    assert capsys.readouterr().out.startswith("{")
    assert list(group.commands.built) == ["protocol"]
    assert list(group.commands) == [
        "consult",
        "demo",
        "export",
        "import",
        "protocol",
        "patient",
        "session",
        "db",
        "practice",
    ]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["no-such-command"], "No such command 'no-such-command'; try 'python -m backcoach --help'"),
        (["db", "backup", "--bogus"], "No such option: --bogus"),
        (["patient", "add"], "Missing argument 'NAME'; try 'python -m backcoach patient add --help'"),
        (["patient", "add", "x", "--born", "abc"], "'abc' is not a valid integer; try 'python -m backcoach patient"),
        (["--home"], "Option '--home' requires an argument; try 'python -m backcoach --help'"),
        (["export", "--out"], "Option '--out' requires an argument; try 'python -m backcoach export --help'"),
        (["db", "backup", "--out"], "Option '--out' requires an argument; try 'python -m backcoach db backup --help'"),
    ],
)
def test_usage_errors_are_one_line_with_the_help_hint(argv, says, tmp_path):
    """Click shows a usage error in four lines (Usage, Try, a blank line, Error); backcoach promises one line."""
    result = subprocess.run(
        [sys.executable, "-m", "backcoach", *(["--home", str(tmp_path)] if argv != ["--home"] else []), *argv],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("backcoach: "), result.stderr
    assert says in result.stderr and "Usage:" not in result.stderr


def test_a_group_without_a_command_still_shows_its_help():
    result = subprocess.run([sys.executable, "-m", "backcoach", "db"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Commands:" in result.stdout + result.stderr
