"""A data folder that does not exist: a typo in --home or BACKCOACH_HOME is an error for every command that only
reads the home, never an empty clinic; commands that write create it; the default folder of a brand new user
reads as empty, without an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcoach.store import Home
from tests.helpers import run_backcoach, run_main

# Commands that read the home (or change what must already be in it): a missing --home is an error.
READERS = {
    "patient list": ["patient", "list"],
    "patient list --json": ["patient", "list", "--json"],
    "patient show": ["patient", "show", "ann"],
    "patient archive": ["patient", "archive", "ann"],
    "session list": ["session", "list"],
    "session list ID": ["session", "list", "ann"],
    "export ID": ["export", "ann"],
    "export --all --out": ["export", "--all", "--out", "{out}"],
    "db check": ["db", "check"],
    "db check --repair": ["db", "check", "--repair"],
    "db backup": ["db", "backup"],
    "practice report": ["practice", "report"],
    "practice run --resume": ["practice", "run", "acute_fear", "--resume", "acute_fear-abcdef"],
    "consult": ["consult", "ann"],
    "consult --plain": ["consult", "ann", "--plain"],
}


def _args(args: list[str], out: Path) -> list[str]:
    return [a.replace("{out}", str(out)) for a in args]


@pytest.mark.parametrize("args", READERS.values(), ids=READERS.keys())
def test_a_reader_on_a_missing_home_says_so(tmp_path, monkeypatch, capsys, args):
    missing, out = tmp_path / "typo", tmp_path / "out"
    monkeypatch.delenv("BACKCOACH_HOME", raising=False)
    code, stdout, stderr = run_main(monkeypatch, capsys, "--home", str(missing), *_args(args, out))
    assert code == 1
    assert stderr == f"backcoach: no backcoach data folder at {missing} (--home); check the path\n"
    assert stdout == ""
    assert not missing.exists() and not out.exists()


def test_the_error_names_backcoach_home_when_it_chose_the_folder(tmp_path):
    missing = tmp_path / "typo"
    done = run_backcoach("patient", "list", home=missing)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == f"backcoach: no backcoach data folder at {missing} (BACKCOACH_HOME); check the path\n"
    assert not missing.exists()


def test_a_file_named_as_the_home_is_not_a_folder(tmp_path, monkeypatch, capsys):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("x")
    monkeypatch.delenv("BACKCOACH_HOME", raising=False)
    code, stdout, stderr = run_main(monkeypatch, capsys, "--home", str(not_a_folder), "session", "list")
    assert (code, stdout) == (2, "")  # a usage error, as for a writer
    assert stderr == f"backcoach: --home {not_a_folder}: not a folder\n"


def test_an_existing_empty_folder_is_an_empty_home(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("BACKCOACH_HOME", raising=False)
    code, stdout, stderr = run_main(monkeypatch, capsys, "--home", str(tmp_path), "patient", "list")
    assert code == 0 and stderr == ""
    assert stdout == f"No patients yet: add one with `backcoach --home {tmp_path} patient add NAME`\n"


def test_writers_create_a_missing_home(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("BACKCOACH_HOME", raising=False)
    source = Home(tmp_path / "source")
    source.add_patient("Ann Lee", patient_id="ann")
    exported = tmp_path / "ann.json"
    code, stdout, _ = run_main(monkeypatch, capsys, "--home", str(source.root), "export", "ann", "-f", "json")
    exported.write_text(stdout)
    new, imported = tmp_path / "new", tmp_path / "imported"
    assert run_main(monkeypatch, capsys, "--home", str(new), "patient", "add", "Bo", "--id", "bo")[0] == 0
    assert run_main(monkeypatch, capsys, "--home", str(imported), "import", str(exported))[0] == 0
    assert Home(new).patient_ids() == ["bo"] and Home(imported).patient_ids() == ["ann"]


@pytest.fixture
def fresh_default(tmp_path, monkeypatch) -> Path:
    """The platform's user data folder of a user who never ran backcoach (it does not exist yet)."""
    import platformdirs

    monkeypatch.delenv("BACKCOACH_HOME", raising=False)
    monkeypatch.setattr(platformdirs, "user_data_path", lambda name, appauthor=None: tmp_path / "data" / name)
    return tmp_path / "data" / "backcoach"


def test_a_new_user_has_no_patients_yet(fresh_default, monkeypatch, capsys):
    code, stdout, stderr = run_main(monkeypatch, capsys, "patient", "list")
    assert (code, stderr) == (0, "")
    assert stdout == "No patients yet: add one with `backcoach patient add NAME`\n"
    assert run_main(monkeypatch, capsys, "patient", "list", "--json")[:2] == (0, "[]\n")
    assert not fresh_default.exists()


@pytest.mark.parametrize(
    "args", [["session", "list"], ["db", "check"], ["practice", "report"], ["export", "--all", "--out", "{out}"]]
)
def test_other_listings_of_a_new_user_are_empty_not_errors(fresh_default, tmp_path, monkeypatch, capsys, args):
    code, _, stderr = run_main(monkeypatch, capsys, *_args(args, tmp_path / "out"))
    assert code == 0, stderr
    assert not fresh_default.exists()


@pytest.mark.parametrize("args", [["patient", "show", "ann"], ["patient", "archive", "ann"], ["consult", "ann"]])
def test_a_new_user_naming_a_patient_hears_there_is_none(fresh_default, monkeypatch, capsys, args):
    code, stdout, stderr = run_main(monkeypatch, capsys, *args)
    assert (code, stdout) == (1, "")
    assert stderr == "backcoach: no patient with id 'ann' (see `backcoach patient list --all`)\n"
    assert not fresh_default.exists()


def test_a_new_user_has_nothing_to_back_up(fresh_default, monkeypatch, capsys):
    code, stdout, stderr = run_main(monkeypatch, capsys, "db", "backup")
    assert (code, stdout) == (1, "")
    assert stderr == f"backcoach: nothing to back up yet: there is no backcoach data folder at {fresh_default}\n"
    assert not fresh_default.exists()


def test_the_first_patient_of_a_new_user_creates_the_default_home(fresh_default, monkeypatch, capsys):
    code, stdout, _ = run_main(monkeypatch, capsys, "patient", "add", "Ann Lee", "--id", "ann")
    assert (code, stdout) == (0, "ann\n")
    listed = run_main(monkeypatch, capsys, "patient", "list", "--json")
    assert [p["id"] for p in json.loads(listed[1])] == ["ann"]
