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
        assert code == 3 and "patients/b.json: a folder, not a file; not repaired" in err
        assert (path / "inside.txt").exists()
    else:
        assert code == 0 and "repaired: patients/b.json: restored from b.json.bak" in out
        assert home.load("b").patient.name == "B"


def test_a_folder_named_like_a_patient_file_with_no_bak_is_reported_by_name(monkeypatch, capsys, tmp_path):
    home = clinic(tmp_path / "home")
    (home.patients_dir / "zzz.json").mkdir()
    code, out, err = cli(monkeypatch, capsys, home, "patient", "list")
    assert code == 0 and "patients/zzz.json is damaged (a folder, not a file)" in err
    code, out, err = cli(monkeypatch, capsys, home, "db", "check", "--repair")
    assert code == 3 and "problem: patients/zzz.json: a folder, not a file" in err
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


# --- imports: every file judged alone; every string from a file cleaned and bounded ----------------------------

OSC8 = "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07"
UNSAFE = f"{OSC8}\x1b[31mred\u202eevil\x9b2J"


def exported(home: Home, tmp_path: Path, change=None) -> Path:
    """The fixture patient exported as JSON (then removed from `home`), with `change(data)` applied."""
    from backcoach.protocol import builtin_protocol
    from backcoach.transfer import export_record
    from tests.export_data import make_fixture_patient

    record = make_fixture_patient(home, builtin_protocol())
    data = json.loads(json.dumps(export_record(record)))
    home.patient_path(record.patient.id).unlink()
    if change:
        change(data)
    path = tmp_path / f"export-{len(list(tmp_path.glob('export-*')))}.json"
    path.write_text(json.dumps(data))
    return path


def _hostile_labels(data: dict) -> None:
    for session in data["sessions"]:
        session["protocol_id"] = f"table1{UNSAFE}"
        session["protocol_version"] = f"1{UNSAFE}"
        for goal in session["answers"].get("planning.goals", {}).get("goals", []):
            goal["id"] += UNSAFE
        for review in session["answers"].get("evaluation.goal_review", {}).get("review", []):
            review["goal_id"] += UNSAFE


def assert_inert(text: str) -> None:
    assert not {"\x1b", "\x07", "\x9b", "\u202e"} & set(text), repr(text[:200])


def test_imported_protocol_ids_and_goal_ids_are_cleaned_everywhere_they_go(monkeypatch, capsys, tmp_path):
    import xml.etree.ElementTree as ET

    from tests.export_data import PATIENT_ID

    home = Home(tmp_path / "home")
    source = exported(home, tmp_path, _hostile_labels)
    code, out, err = cli(monkeypatch, capsys, home, "import", str(source))
    assert code == 0, err
    stored = home.patient_path(PATIENT_ID).read_text()
    assert "\\u001b" not in stored and "\\u202e" not in stored and "table1]8;;https://evil.example/click]8;;" in stored
    record = home.load(PATIENT_ID)
    assert {s.protocol_id for s in record.sessions} == {"table1]8;;https://evil.example/click]8;;[31mredevil2J"}
    for fmt in ("text", "md", "html", "svg"):
        code, out, err = cli(monkeypatch, capsys, home, "export", PATIENT_ID, "-f", fmt)
        assert code == 0, err
        assert_inert(out)
        if fmt == "svg":
            ET.fromstring(out)  # valid XML


def test_a_hand_edited_protocol_id_never_reaches_the_terminal_or_breaks_the_svg(monkeypatch, capsys, tmp_path):
    import xml.etree.ElementTree as ET

    from backcoach.protocol import builtin_protocol
    from tests.export_data import PATIENT_ID, make_fixture_patient

    home = Home(tmp_path / "home")
    make_fixture_patient(home, builtin_protocol())
    path = home.patient_path(PATIENT_ID)
    data = json.loads(path.read_text())
    for session in data["sessions"].values():
        session["protocol_id"] = f"table1{UNSAFE}"
        for review in session["answers"].get("evaluation.goal_review", {}).get("review", []):
            review["goal_id"] = f"gone{UNSAFE}"  # a goal no session sets: shown by its id
    path.write_text(json.dumps(data))
    for fmt in ("text", "md", "html", "svg"):
        code, out, err = cli(monkeypatch, capsys, home, "export", PATIENT_ID, "-f", fmt)
        assert code == 0, err
        assert_inert(out)
        assert "table1" in out
        if fmt == "svg":
            ET.fromstring(out)


@pytest.mark.parametrize("key", ["protocol_id", "protocol_version"])
def test_a_five_mib_label_is_refused_on_import_and_damages_a_patient_file(monkeypatch, capsys, tmp_path, key):
    from tests.export_data import PATIENT_ID

    home = Home(tmp_path / "home")
    huge = exported(home, tmp_path, lambda d: d["sessions"][0].update({key: "x" * (5 << 20)}))
    good = exported(home, tmp_path)
    code, out, err = cli(monkeypatch, capsys, home, "import", str(huge), str(good))
    assert code == 1 and f"{huge}: " in err and key in err and "the limit is 1 KiB" in err
    assert f"{good}: patient {PATIENT_ID}" in out and "1 file(s) imported, 1 refused" in out
    path = home.patient_path(PATIENT_ID)
    data = json.loads(path.read_text())
    next(iter(data["sessions"].values()))[key] = "x" * (5 << 20)
    path.write_text(json.dumps(data))
    code, out, err = cli(monkeypatch, capsys, home, "patient", "show", PATIENT_ID)
    assert code == 3 and f"{PATIENT_ID}.json is damaged" in err and key in err


def test_practice_metadata_strings_are_cleaned_and_bounded(monkeypatch, capsys, tmp_path):
    from backcoach.practice.attempts import AttemptStore
    from backcoach.practice.cases import find_case
    from backcoach.practice.session import PracticeSession
    from backcoach.protocol import builtin_protocol

    protocol = builtin_protocol()
    home = Home(tmp_path / "home")
    with PracticeSession.start(home, protocol, find_case("acute_fear", protocol), "Sam") as practice:
        attempt = practice.attempt_id
    store = AttemptStore(home)
    meta = store.meta_path(attempt)
    data = json.loads(meta.read_text())
    meta.write_text(json.dumps({**data, "student": f"Sam{UNSAFE}"}))
    assert store.load(attempt).meta.student == "Sam]8;;https://evil.example/click]8;;[31mredevil2J"
    code, out, err = cli(monkeypatch, capsys, home, "practice", "report", "--format", "json")
    assert code == 0 and "Sam]8;;https://evil.example/click]8;;[31mredevil2J" in out
    assert_inert(out + err)
    meta.write_text(json.dumps({**data, "case_id": "acute_fear" + "x" * 5000}))
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 3 and f"problem: practice/meta/{attempt}.json: " in err and "case_id is 5 KiB" in err


def test_the_index_is_read_back_cleaned_and_typed(monkeypatch, capsys, tmp_path):
    home = clinic(tmp_path / "home")
    data = json.loads(home.index_path.read_text())
    data["patients"]["a"]["name"] = f"Ann{UNSAFE}"
    data["patients"]["b"]["name"] = ["not", "text"]
    data["patients"]["c"]["sessions"] = "many"
    stat = home.index_path.stat()
    home.index_path.write_text(json.dumps(data))
    os.utime(home.index_path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    entries = {e.id: e for e in home.index()}
    assert entries["a"].name == "Ann]8;;https://evil.example/click]8;;[31mredevil2J"
    assert (entries["b"].name, entries["c"].sessions) == ("B", 0)  # read again from their files
    code, out, err = cli(monkeypatch, capsys, home, "patient", "list")
    assert code == 0
    assert_inert(out)


# --- ids are whole matches -------------------------------------------------------------------------------------


def test_an_id_with_a_trailing_newline_is_refused(monkeypatch, capsys, tmp_path):
    from backcoach.errors import PackError
    from backcoach.protocol import load_protocol
    from tests.export_data import PATIENT_ID

    home = Home(tmp_path / "home")
    home.add_patient("Real", patient_id="real")
    code, out, err = run_main(monkeypatch, capsys, "--home", str(home.root), "patient", "add", "Bob", "--id", "bob\n")
    assert code == 2 and "invalid patient id 'bob\\n'" in err
    assert sorted(p.name for p in home.patients_dir.iterdir()) == ["real.json", "real.lock"]
    for change in (
        lambda d: (d["patient"].update(id="real\n"), [s.update(patient_id="real\n") for s in d["sessions"]]),
        lambda d: d["sessions"][0].update(id=d["sessions"][0]["id"] + "\n"),
    ):
        source = exported(home, tmp_path, change)
        code, out, err = cli(monkeypatch, capsys, home, "import", str(source))
        assert code == 1 and "invalid" in err, err
        assert sorted(p.name for p in home.patients_dir.glob("*.json")) == ["real.json"]
    assert not home.patient_path("real").with_name("real\n.json").exists() and PATIENT_ID
    for what in ('id = "planning"', 'id = "planning.goals"', 'id = "goals"'):  # a phase, component, field
        pack = (Path(__file__).parent / "packs" / "minimal.toml").read_text()
        (tmp_path / "pack.toml").write_text(pack.replace(what, what[:-1] + '\\n"', 1))
        with pytest.raises(PackError, match="must be"):
            load_protocol(tmp_path / "pack.toml")


def test_one_bad_import_file_never_stops_the_good_ones(monkeypatch, capsys, tmp_path):
    from tests.export_data import PATIENT_ID

    home = Home(tmp_path / "home")
    good = exported(home, tmp_path)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50_000)
    big = exported(home, tmp_path, lambda d: None)
    big.write_text(big.read_text().replace('"schema": 1', '"schema": ' + "1" * 5000))
    folder = tmp_path / "folder.json"
    folder.mkdir()
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    files = (deep, big, folder, fifo, tmp_path / "missing.json", good)
    code, out, err = cli(monkeypatch, capsys, home, "import", *map(str, files))
    assert code == 1, err
    assert f"{deep}: nested more than 64 levels deep" in err and f"{big}: not valid JSON" in err
    assert f"{folder}: a folder, not a file" in err and f"{fifo}: not a regular file" in err
    assert "missing.json: cannot read (No such file or directory)" in err
    assert f"{good}: patient {PATIENT_ID}" in out and "1 file(s) imported, 5 refused" in out
    assert home.load(PATIENT_ID).sessions


# --- more hostile files: things that are not plain files, where plain files should be ---------------------------


@pytest.mark.parametrize("kind", ["a FIFO", "a symlink to /dev/zero"])
def test_a_patient_file_that_never_ends_is_damaged_and_nothing_waits_on_it(monkeypatch, capsys, tmp_path, kind):
    if os.name != "posix":
        pytest.skip("FIFOs and /dev/zero are POSIX")
    home = clinic(tmp_path / "home")
    path = home.patients_dir / "b.json"
    path.unlink()
    os.mkfifo(path) if kind == "a FIFO" else path.symlink_to("/dev/zero")
    code, out, err = cli(monkeypatch, capsys, home, "patient", "list")
    assert code == 0 and "patients/b.json is damaged (not a regular file)" in err
    code, out, err = cli(monkeypatch, capsys, home, "db", "check", "--repair")
    assert code == 3 and "patients/b.json: not a regular file; not repaired: cannot be kept aside" in err
    assert path.is_symlink() or path.is_fifo()  # left as it was


def test_a_folder_where_a_bak_should_be_is_named_and_reported(monkeypatch, capsys, tmp_path):
    home = clinic(tmp_path / "home")
    bak = home.patients_dir / "b.json.bak"
    bak.unlink()
    bak.mkdir()
    code, out, err = cli(monkeypatch, capsys, home, "patient", "archive", "b")
    assert code == 1 and err.strip().endswith("patients/b.json.bak: Is a directory")
    assert sorted(p.name for p in home.patients_dir.iterdir() if p.name.startswith(".")) == []  # no temp link left
    assert not home.load("b").patient.archived
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 3 and "problem: patients/b.json.bak: a folder, not a file" in err


def test_a_folder_where_the_index_should_be_is_a_problem_repair_reports(monkeypatch, capsys, tmp_path):
    home = clinic(tmp_path / "home")
    home.index_path.unlink()
    home.index_path.mkdir()
    code, out, err = cli(monkeypatch, capsys, home, "db", "check", "--repair")
    assert code == 3 and "problem: index.json: a folder, not a file; not rebuilt" in err


@pytest.mark.parametrize(
    "content",
    [b"[]", b'"text"', b"null", b"42", b'{"meta": []}', b"\xef\xbb\xbf[" + b"[" * 100 + b"]" * 101],
    ids=["list", "string", "null", "number", "meta a list", "BOM and 101 deep"],
)
def test_a_patient_file_of_another_shape_is_damaged(home, content):
    home.add_patient("A", patient_id="a")
    home.patient_path("a").write_bytes(content)
    with pytest.raises(DamagedFile):
        home.load("a")
    assert [e.damaged is not None for e in home.index()] == [True]
