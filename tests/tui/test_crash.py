"""Issue 12, item 1: the app never prints a traceback with locals (patient names, file contents), a crash ends it
with one line and a non-zero exit code, and a file it cannot read is listed as damaged, as the CLI does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from textual.app import App
from textual.widgets import DataTable

from backcoach.store import Home
from backcoach.tui.crash import OneLineCrash, finish
from backcoach.tui.screens.home import HomeScreen
from tests.tui.conftest import make_app
from tests.tui.waiting import shown, until

NAME = "Kwame Estrada"


def test_textual_still_has_the_crash_hooks_the_adapter_replaces():
    """If Textual renames them, the override is never called and its traceback with locals is back."""
    assert callable(App._handle_exception) and callable(App._fatal_error)
    assert OneLineCrash._fatal_error is not App._fatal_error


async def test_home_lists_files_it_cannot_read_as_damaged(home, protocol):
    for pid in ("a", "b"):
        home.add_patient(f"Patient {pid}", patient_id=pid)
    (home.patients_dir / "b.json").write_bytes(b"[" * 50_000)
    (home.patients_dir / "zzz.json").mkdir()
    app = make_app(home, protocol)
    async with app.run_test() as pilot:
        await shown(pilot, HomeScreen)
        table = app.screen.query_one(DataTable)
        rows = {key.value: table.get_row(key) for key in table.rows}
        await pilot.press("ctrl+q")  # still running, and it quits as usual
        await until(pilot, lambda: app.return_code is not None, "the app to exit")
    assert sorted(rows) == ["a", "b", "zzz"]
    assert rows["a"][-1] == "" and rows["b"][-1] == rows["zzz"][-1] == "damaged: run backcoach db check"
    assert app.return_code == 0


async def test_a_crash_ends_the_app_with_one_line_and_exit_code_1(home, protocol, capsys):
    home.add_patient(NAME, patient_id="demo00000")
    app = make_app(home, protocol)

    def boom() -> None:
        everyone = {e.id: e for e in home.index()}  # a local holding every patient's name
        raise RuntimeError(f"{len(everyone)} patients")

    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            await shown(pilot, HomeScreen)
            app.call_later(boom)
            await until(pilot, lambda: app.return_code is not None, "the crash")
    assert app.return_code == 1 and not capsys.readouterr().err  # nothing while the app still owns the terminal
    assert finish(app) == 1
    said = capsys.readouterr().err
    assert NAME not in said and "locals" not in said
    assert said.strip() == "backcoach: internal error (RuntimeError); set BACKCOACH_DEBUG=1 for details"


async def test_a_backcoach_error_nothing_handled_ends_the_app_with_its_own_line_and_code(home, protocol, capsys):
    from backcoach.store import DamagedFile

    app = make_app(home, protocol)
    with pytest.raises(DamagedFile):
        async with app.run_test() as pilot:
            await shown(pilot, HomeScreen)
            app.call_later(lambda: (_ for _ in ()).throw(DamagedFile(home.patients_dir / "x.json", "truncated")))
            await until(pilot, lambda: app.return_code is not None, "the crash")
    assert finish(app) == 3
    said = capsys.readouterr().err
    assert "x.json is damaged (truncated)" in said and "Traceback" not in said


CRASH = textwrap.dedent(
    """
    import sys
    from backcoach.store import home as store_home

    listed = store_home.Home.index

    def index(self, **kw):
        cached = {e.id: e for e in listed(self, **kw)}  # Textual's report showed this local: every name
        raise RuntimeError("a bug")

    store_home.Home.index = index
    sys.argv = ["backcoach", "--home", sys.argv[1]]
    from backcoach.cli import main

    main()
    """
)


def test_the_real_app_in_a_terminal_crashes_with_one_line_and_a_non_zero_exit(tmp_path):
    if os.name != "posix" or not shutil.which("script"):
        pytest.skip("needs a POSIX terminal (util-linux `script`) to run the full-screen app")
    home = Home(tmp_path / "home")
    home.add_patient(NAME, patient_id="demo00000")
    program = tmp_path / "crash.py"
    program.write_text(CRASH)
    command = f"{sys.executable} {program} {home.root}"  # stderr too is the terminal: the app draws there
    env = {**{k: v for k, v in os.environ.items() if k != "BACKCOACH_DEBUG"}, "TERM": "xterm"}
    done = subprocess.run(
        ["script", "-qec", command, "/dev/null"], capture_output=True, timeout=60, env=env, stdin=subprocess.DEVNULL
    )
    shown = done.stdout.decode("utf-8", "replace")  # all the terminal showed, the app's screen and after
    assert done.returncode == 1, shown
    assert NAME not in shown and "locals" not in shown and "Traceback" not in shown
    last = shown.rstrip().splitlines()[-1]
    assert last.endswith("backcoach: internal error (RuntimeError); set BACKCOACH_DEBUG=1 for details"), last


async def test_a_tampered_index_date_never_crashes_the_patient_list(home, protocol):
    """index.json is a cache checked by size and time: a `last_session` of "[/x]" there reached a DataTable cell as
    markup and the app ended at once (MarkupError). A cached date must be a date, and a cell from a file is Text."""
    import json

    for pid in ("a", "b"):
        home.add_patient(f"Patient {pid}", patient_id=pid)
    home.index()
    index = json.loads(home.index_path.read_text())
    index["patients"]["a"]["last_session"] = "[/x]"
    index["patients"]["b"]["created"] = "[on red]later"
    home.index_path.write_text(json.dumps(index))
    assert {e.id: e.last_session for e in home.index()} == {"a": None, "b": None}
    home.index_path.write_text(json.dumps(index))
    app = make_app(home, protocol)
    async with app.run_test() as pilot:
        await shown(pilot, HomeScreen)
        assert sorted(key.value for key in app.screen.query_one(DataTable).rows) == ["a", "b"]
        await pilot.press("ctrl+q")  # still running, and it quits as usual
        await until(pilot, lambda: app.return_code is not None, "the app to exit")
    assert app.return_code == 0
