"""Hostile files in a home (issue 12): whatever one file holds, or whatever it is, it is a damaged file, named and
contained; every other patient still lists, exports, archives and is checked; nothing raises past the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from backcoach.store import DamagedFile, Home
from tests.helpers import run_main

VALUES = ("planning.goals", "values")


def _replace(old: str, new: str):
    def damage(path: Path) -> None:
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))

    return damage


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "inside.txt").write_text("a folder named like a patient file")


HOSTILE = {
    "a 5,000-digit number": _replace('"born": null', '"born": ' + "9" * 5000),
    "50,000 nested arrays": lambda p: p.write_bytes(b"[" * 50_000),
    "arrays nested 500 deep (the parser takes them)": _replace(
        '"sessions": {}', '"sessions": {"1": ' + "[" * 500 + "]" * 500 + "}"
    ),
    "Infinity": _replace('"born": null', '"born": Infinity'),
    "1e999": _replace('"born": null', '"born": 1e999'),
    "a folder": _folder,
}


def clinic(root: Path) -> Home:
    """Patients a, b and c; b has a .bak (it was archived and brought back)."""
    home = Home(root)
    for pid in "abc":
        home.add_patient(pid.upper(), patient_id=pid)
    home.archive("b")
    home.archive("b", archived=False)
    home.index()
    return home


def cli(monkeypatch, capsys, home: Home, *args: str) -> tuple[int, str, str]:
    code, out, err = run_main(monkeypatch, capsys, "--home", str(home.root), *args)
    assert "internal error" not in err and "Traceback" not in err, err
    assert len(err.splitlines()) <= 2, err  # one line per problem, and a tally at most
    return code, out, err


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_one_hostile_patient_file_is_named_and_every_other_patient_still_works(monkeypatch, capsys, tmp_path, kind):
    home = clinic(tmp_path / "home")
    path = home.patients_dir / "b.json"
    HOSTILE[kind](path)
    home.index_path.unlink()

    code, out, err = cli(monkeypatch, capsys, home, "patient", "list", "--json")
    assert code == 0 and [p["id"] for p in json.loads(out)] == ["a", "c"] and "patients/b.json" in err
    code, out, err = cli(monkeypatch, capsys, home, "session", "list")
    assert code == 0 and "b.json" in err
    code, out, err = cli(monkeypatch, capsys, home, "export", "--all", "-f", "json", "--out", str(tmp_path / "out"))
    assert code == 1 and "b.json" in err and "2 file(s) written" in out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.json", "c.json"]
    assert cli(monkeypatch, capsys, home, "patient", "archive", "c")[0] == 0
    code, out, err = cli(monkeypatch, capsys, home, "patient", "archive", "b")
    assert code == 3 and "b.json is damaged" in err
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 3 and err.count("problem:") == 1 and "problem: patients/b.json: " in err
    assert isinstance(dict(home.records())["b"], DamagedFile)

    code, out, err = cli(monkeypatch, capsys, home, "db", "check", "--repair")
    if kind == "a folder":  # what cannot be kept aside is never replaced
        assert code == 3 and "patients/b.json: cannot be read" in err and "not repaired" in err
        assert (path / "inside.txt").exists()
    else:
        assert code == 0 and "repaired: patients/b.json: restored from b.json.bak" in out
        assert home.load("b").patient.name == "B"


def test_a_folder_named_like_a_patient_file_with_no_bak_is_reported_by_name(monkeypatch, capsys, tmp_path):
    home = clinic(tmp_path / "home")
    (home.patients_dir / "zzz.json").mkdir()
    code, out, err = cli(monkeypatch, capsys, home, "patient", "list")
    assert code == 0 and "patients/zzz.json is damaged (cannot be read: Is a directory)" in err
    code, out, err = cli(monkeypatch, capsys, home, "db", "check", "--repair")
    assert code == 3 and "problem: patients/zzz.json: cannot be read: Is a directory" in err
    assert (home.patients_dir / "zzz.json").is_dir()


# --- a file the user running backcoach cannot read -------------------------------------------------------------


def as_nobody(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BACKCOACH_HOME"}
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "backcoach"]
    return subprocess.run(
        [*command, "--home", str(home), *args], capture_output=True, text=True, timeout=60, env=env, cwd="/"
    )


@pytest.fixture
def nobodys_home():
    """A home owned by the unprivileged user 65534, in a folder that user can reach (tmp_path is root's only)."""
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run backcoach as a user who cannot read a file")
    base = Path(tempfile.mkdtemp(prefix="backcoach-nobody-"))
    try:
        os.chmod(base, 0o755)
        home = clinic(base / "home")
        for path in [base, *base.rglob("*")]:
            os.chown(path, 65534, 65534)
        yield home
    finally:
        shutil.rmtree(base)


def test_a_patient_file_the_user_cannot_read_is_a_damaged_file(nobodys_home, tmp_path):
    home = nobodys_home
    path = home.patients_dir / "b.json"
    path.chmod(0)
    home.index_path.unlink()
    done = as_nobody("patient", "list", "--json", home=home.root)
    assert done.returncode == 0, done.stderr
    assert [p["id"] for p in json.loads(done.stdout)] == ["a", "c"]
    assert "patients/b.json is damaged (cannot be read: Permission denied)" in done.stderr
    done = as_nobody("session", "list", home=home.root)
    assert done.returncode == 0 and "b.json" in done.stderr and "Traceback" not in done.stderr
    out = home.root.parent / "out"
    done = as_nobody("export", "--all", "-f", "json", "--out", str(out), home=home.root)
    assert done.returncode == 1 and "b.json" in done.stderr and "internal error" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "c.json"]
    done = as_nobody("db", "check", "--repair", home=home.root)
    assert done.returncode == 3 and "internal error" not in done.stderr
    assert "problem: patients/b.json: cannot be read: Permission denied; not repaired" in done.stderr
    assert path.stat().st_mode & 0o777 == 0  # left exactly as it was
    assert as_nobody("patient", "archive", "a", home=home.root).returncode == 0


# --- practice metadata -----------------------------------------------------------------------------------------


def test_practice_metadata_with_an_out_of_range_number_is_damaged_and_repaired(monkeypatch, capsys, tmp_path):
    from backcoach.practice.attempts import AttemptStore
    from backcoach.practice.cases import find_case
    from backcoach.practice.session import PracticeSession
    from backcoach.protocol import builtin_protocol

    protocol = builtin_protocol()
    home = clinic(tmp_path / "home")
    with PracticeSession.start(home, protocol, find_case("acute_fear", protocol)) as practice:
        practice.consultation.set(*VALUES, "first")
        practice.consultation.set(*VALUES, "second")
        attempt = practice.attempt_id
    store = AttemptStore(home)
    meta = store.meta_path(attempt)
    assert meta.with_name(meta.name + ".bak").exists()
    data = json.loads(meta.read_text())
    data["asked"] = [{"component": "planning.goals", "how": 0, "at": "2026-01-01T00:00:00+00:00"}]
    meta.write_text(json.dumps(data).replace('"how": 0', '"how": 1e999'))

    code, out, err = cli(monkeypatch, capsys, home, "practice", "report", "--format", "json")
    assert code == 1 and f"attempt {attempt}: " in err and f"meta/{attempt}.json is damaged" in err
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 3 and f"problem: practice/meta/{attempt}.json: not valid JSON" in err
    code, out, err = cli(monkeypatch, capsys, home, "db", "check", "--repair")
    assert code == 0 and f"repaired: practice/meta/{attempt}.json: restored from" in out
    assert store.load(attempt).meta.id == attempt


# --- folders that are files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["patients", "practice", "practice/patients"])
def test_a_file_where_a_folder_should_be_is_a_problem(monkeypatch, capsys, tmp_path, where):
    home = clinic(tmp_path / "home")
    target = home.root / where
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        shutil.rmtree(target)
    target.write_text("not a folder")
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 3 and f"problem: {where}: not a folder" in err and "0 problem(s)" not in out
    code, out, err = cli(monkeypatch, capsys, home, "db", "check", "--repair")
    assert code == 3 and target.read_text() == "not a folder"
    if where == "patients":
        code, out, err = cli(monkeypatch, capsys, home, "patient", "list")
        assert code == 3 and "patients is damaged (not a folder)" in err
