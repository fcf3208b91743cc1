"""Attacks on the seams of issue 12's two merged halves (the index cache, repair with temp files and locks, backups,
one-line errors): each test reproduces what a user could do and failed on the merged code before its fix."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from backcoach.store import Home
from tests.test_hostile_files import as_nobody, cli, clinic, nobodys_home  # noqa: F401 - a fixture

ESCAPES = "\x1b]0;pwned\x07\x1b[31m"


def test_db_backup_never_leaves_out_a_folder_it_cannot_list(nobodys_home):  # noqa: F811 - the fixture
    """os.walk skipped a patients folder the user could not list: a zip with no patient in it, exit 0."""
    home = nobodys_home
    out = home.root.parent / "backup.zip"
    home.patients_dir.chmod(0o300)
    done = as_nobody("db", "backup", "--out", str(out), home=home.root)
    assert done.returncode == 1 and not out.exists(), done.stdout
    assert done.stderr == f"backcoach: {home.patients_dir}: Permission denied\n"


def test_db_check_reports_a_patients_folder_it_cannot_list(nobodys_home):  # noqa: F811 - the fixture
    """It ended with a one-line error (exit 1) instead of reporting what it could not check (exit 3)."""
    home = nobodys_home
    home.patients_dir.chmod(0o300)
    for args in (("db", "check"), ("db", "check", "--repair")):
        done = as_nobody(*args, home=home.root)
        assert done.returncode == 3, done.stderr
        assert "problem: patients: cannot be listed (Permission denied)" in done.stderr
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_values_from_a_file_are_never_echoed_whole_in_an_error(monkeypatch, capsys, tmp_path):
    """A schema, a SMART part's name or a choice from a file was quoted whole: a 300 KB line of what could be a
    patient's words on stderr, and in the index cache."""
    home = clinic(tmp_path / "home")
    secret = "Told me about her diagnosis " + "z" * 300_000
    path = home.patients_dir / "b.json"
    data = json.loads(path.read_text())
    data["meta"]["1"]["schema"] = secret
    path.write_text(json.dumps(data))
    for args in (("patient", "list"), ("db", "check"), ("session", "list")):
        code, out, err = cli(monkeypatch, capsys, home, *args)
        assert "b.json" in err and "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" not in err, args
        assert max(map(len, err.splitlines())) < 300
    assert len(home.index_path.read_text()) < 10_000

    code, out, _ = cli(monkeypatch, capsys, Home(tmp_path / "src"), "patient", "add", "D", "--id", "d")
    export = {
        "format": "backcoach.export/1",
        "schema": 1,
        "patient": json.loads(json.dumps(Home(tmp_path / "src").load("d").patient.to_dict())),
        "sessions": [],
    }
    from backcoach.protocol import load_protocol

    protocol = load_protocol(None)
    goals = next(
        (c.id, f.id) for c in protocol.components for f in c.fields if f.type == "goal_list"
    )  # a SMART part named by a secret
    choice = next((c.id, f.id) for c in protocol.components for f in c.fields if f.type in ("choice", "stage"))
    for cid, answer in (
        (goals, [{"text": "walk", "parts": {secret: "x"}}]),
        (choice, secret),
    ):
        session = {
            "id": "s1",
            "patient_id": "d",
            "kind": "initial",
            "status": "open",
            "started": "2026-01-01T10:00:00+00:00",
            "updated": "2026-01-01T10:00:00+00:00",
            "ended": None,
            "protocol_id": protocol.id,
            "protocol_version": protocol.version,
            "answers": {cid[0]: {cid[1]: answer}},
            "done": [],
        }
        file = tmp_path / "in.json"
        file.write_text(json.dumps({**export, "sessions": [session]}))
        code, out, err = cli(monkeypatch, capsys, Home(tmp_path / "dst"), "import", str(file))
        assert code == 1 and "in.json" in err and "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" not in err, err


def test_a_file_name_with_escapes_never_reaches_the_terminal_raw(monkeypatch, capsys, tmp_path):
    """A file named with ESC sequences in patients/ (a synced or unzipped folder) was printed raw by db check and
    export --all; every line backcoach prints about a file shows such characters as visible stand-ins."""
    home = clinic(tmp_path / "home")
    hostile = home.patients_dir / f"{ESCAPES}x.json"
    hostile.write_bytes((home.patients_dir / "a.json").read_bytes())
    for args in (
        ("db", "check"),
        ("db", "check", "--repair"),
        ("export", "--all", "-f", "json", "--out", str(tmp_path / "out")),
        ("session", "list"),
        ("patient", "list"),
        ("import", str(hostile)),
    ):
        code, out, err = cli(monkeypatch, capsys, home, *args)
        assert "\x1b" not in out + err and "\x07" not in out + err, args
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 3 and "␛]0;pwned␇␛[31mx.json" in err
    code, out, err = cli(monkeypatch, capsys, home, "export", "--all", "-f", "json", "--out", str(tmp_path / "o2"))
    assert code == 1 and "␛]0;pwned" in err


def test_an_error_line_never_prints_escapes_from_a_path(monkeypatch, capsys, tmp_path):
    folder = tmp_path / f"{ESCAPES}home"
    code, out, err = run_main_errors(monkeypatch, capsys, "--home", str(folder), "patient", "list")
    assert code == 1 and "\x1b" not in err and "␛]0;pwned" in err and err.count("\n") == 1


def run_main_errors(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    from tests.helpers import run_main

    return run_main(monkeypatch, capsys, *args)


@pytest.mark.parametrize("command", ["export", "practice"])
def test_an_export_into_the_data_folder_itself_is_refused(monkeypatch, capsys, tmp_path, command):
    """`export --out <home>` wrote <id>.json files beside index.json (a patient named `index` replaced it with
    --force); the data folder is refused like its record folders, as db backup refuses it."""
    home = clinic(tmp_path / "home")
    args = ["export", "--all", "-f", "json", "--out"] if command == "export" else ["practice", "report", "--out"]
    before = sorted(p.name for p in home.root.iterdir())
    for out in (home.root, home.root / "." / ""):
        code, _, err = cli(monkeypatch, capsys, home, *args, str(out))
        assert code == 2 and "is the data folder" in err, err
    assert sorted(p.name for p in home.root.iterdir()) == before


def test_db_check_reports_a_lock_file_no_save_could_take(monkeypatch, capsys, tmp_path):
    """A folder (or a link) named `<id>.lock` makes every save of that patient fail; db check said 0 problems."""
    home = clinic(tmp_path / "home")
    lock = home.patients_dir / "a.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 3 and "problem: patients/a.lock: a folder, not a lock file" in err
    code, out, err = cli(monkeypatch, capsys, home, "patient", "archive", "a")
    assert code == 1 and err.count("\n") == 1
    lock.rmdir()
    if os.name != "posix":
        return  # making a symlink needs a privilege on Windows; the folder case above is the portable one
    os.symlink(home.patients_dir / "b.json", lock)
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 3 and "problem: patients/a.lock: a link, not a lock file" in err


def test_db_check_names_old_stray_lock_files_and_repair_removes_them(monkeypatch, capsys, tmp_path):
    """A lock file with no patient (an add that failed before the fix, a patient file moved away) stayed for ever."""
    home = clinic(tmp_path / "home")
    locks = sorted(p.name for p in home.patients_dir.glob("*.lock"))
    stray = home.patients_dir / "gone.lock"
    stray.write_text("123\n")
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 0 and "note: patients/gone.lock: the lock file of no patient (--repair removes it)" in out
    code, out, err = cli(monkeypatch, capsys, home, "db", "check", "--repair")
    assert code == 0 and "repaired: patients/gone.lock: removed (the lock file of no patient)" in out
    assert sorted(p.name for p in home.patients_dir.glob("*.lock")) == locks


def test_practice_report_takes_f_as_the_readme_says(monkeypatch, capsys, tmp_path):
    home = clinic(tmp_path / "home")
    code, out, err = cli(monkeypatch, capsys, home, "practice", "report", "-f", "json")
    assert code == 0 and json.loads(out)["attempts"] == [], err


def test_a_backup_of_a_file_removed_while_it_runs_fails_whole_and_leaves_nothing(monkeypatch, capsys, tmp_path):
    """A backup never silently misses a patient: a file gone between the listing and its copy is one line, exit 1,
    no zip and no temp file."""
    home = clinic(tmp_path / "home")
    write = zipfile.ZipFile.write

    def vanishing(self, filename, *args, **kwargs):
        if Path(filename).name == "b.json":
            Path(filename).unlink()
        return write(self, filename, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "write", vanishing)
    out = tmp_path / "b.zip"
    code, _, err = cli(monkeypatch, capsys, home, "db", "backup", "--out", str(out))
    assert code == 1 and err == f"backcoach: {home.patients_dir / 'b.json'}: No such file or directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_adding_a_patient_where_patients_is_a_file_says_so_as_every_reader_does(monkeypatch, capsys, tmp_path):
    """`patient add` said "<home>/patients: File exists" (exit 1); every other command names it damaged (exit 3)."""
    home = Home(tmp_path / "home")
    home.root.mkdir()
    home.patients_dir.write_text("not a folder")
    code, _, err = cli(monkeypatch, capsys, home, "patient", "add", "Ann")
    assert code == 3 and err == f"backcoach: {home.patients_dir} is damaged (not a folder); run `backcoach db check`\n"
    assert home.patients_dir.read_text() == "not a folder"


def test_a_default_backup_never_goes_into_a_record_folder_through_a_link(monkeypatch, capsys, tmp_path):
    """backups/ linked to patients/ put every default backup among the patient files (and into the next backup)."""
    home = clinic(tmp_path / "home")
    (home.root / "backups").symlink_to(home.patients_dir)
    before = sorted(p.name for p in home.patients_dir.iterdir())
    code, _, err = cli(monkeypatch, capsys, home, "db", "backup")
    assert code == 1 and "leads into the data folder's records" in err and err.count("\n") == 1
    assert sorted(p.name for p in home.patients_dir.iterdir()) == before


def test_demo_into_a_file_is_a_usage_error(monkeypatch, capsys, tmp_path):
    """`backcoach demo FILE` said "FILE: File exists" (exit 1)."""
    from tests.helpers import run_main

    file = tmp_path / "notes.txt"
    file.write_text("mine")
    code, _, err = run_main(monkeypatch, capsys, "demo", str(file))
    assert code == 2 and err == f"backcoach: {file}: not a folder; choose an empty folder\n"
    assert file.read_text() == "mine"


def test_a_year_of_birth_of_thousands_of_digits_is_not_quoted_whole(monkeypatch, capsys, tmp_path):
    """A hand-edited `born` of 4,000 digits made every listing print a 4 KB warning line (and cache it)."""
    home = clinic(tmp_path / "home")
    path = home.patients_dir / "a.json"
    path.write_text(path.read_text().replace('"born": null', '"born": ' + "9" * 4000))
    code, _, err = cli(monkeypatch, capsys, home, "patient", "list")
    assert code == 0 and "patients/a.json is damaged (unreadable record: year of birth 999999999999 is" in err
    assert max(map(len, err.splitlines())) < 200


def test_a_temp_file_whose_patient_lock_cannot_be_taken_never_stops_the_check(monkeypatch, capsys, tmp_path):
    """A leftover temp file is checked under its patient's lock; a folder in the lock's place ended `db check`
    (and --repair) with one line, exit 1: nothing else was checked or reported."""
    home = clinic(tmp_path / "home")
    lock = home.patients_dir / "a.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()
    temp = home.patients_dir / ".a.json.x1y2z3.tmp"
    temp.write_text('{"name": "A"}')
    (home.patients_dir / "c.json").write_text("{")
    for args in (("db", "check"), ("db", "check", "--repair")):
        code, out, err = cli(monkeypatch, capsys, home, *args)
        assert code == 3 and "patients/.a.json.x1y2z3.tmp: left by an interrupted save" in err, err
        assert "not removed: the patient's lock file cannot be used" in err and "patients/a.lock: a folder" in err
    assert temp.exists() and "restored from c.json.bak" not in out  # c has no .bak: said, not restored
    assert "problem: patients/c.json" in err


def test_a_data_folder_db_check_cannot_list_is_named(nobodys_home):  # noqa: F811 - the fixture
    """Its temp files could not be looked for: the problem named the folder ".", which says nothing."""
    home = nobodys_home
    home.root.chmod(0o300)
    done = as_nobody("db", "check", home=home.root)
    assert done.returncode == 3 and f"problem: {home.root}: cannot be listed (Permission denied)" in done.stderr


@pytest.mark.parametrize("name", ["notes copy", f"{ESCAPES}x"])
def test_a_stray_file_among_the_attempts_never_stops_db_check(monkeypatch, capsys, tmp_path, name):
    """A file in practice/patients whose name is no id ended `db check` with a usage error (exit 2), and practice
    report printed its name raw."""
    from backcoach.practice.attempts import AttemptStore
    from backcoach.practice.cases import find_case
    from backcoach.protocol import load_protocol

    home = clinic(tmp_path / "home")
    protocol = load_protocol(None)
    meta = AttemptStore(home).create(protocol, find_case("acute_fear", protocol), "Sam")
    store = AttemptStore(home).home
    (store.patients_dir / f"{name}.json").write_bytes((store.patients_dir / f"{meta.id}.json").read_bytes())
    for args in (("db", "check"), ("db", "check", "--repair")):
        code, out, err = cli(monkeypatch, capsys, home, *args)
        assert code == 3 and "problem: practice/patients/" in err and "\x1b" not in out + err, err
        assert "2 practice attempt(s) checked" in out
    code, out, err = cli(monkeypatch, capsys, home, "practice", "report")
    assert code == 1 and "1 attempt(s) reported, 1 failed" in err and "\x1b" not in out + err


def test_repair_restores_the_bak_it_checked_not_what_is_there_later(monkeypatch, capsys, tmp_path):
    """The .bak was read twice, to check it and to restore it: one swapped in between (for a file of another
    patient, or a link to /dev/zero) was restored unchecked."""
    from backcoach.store import maintenance

    home = clinic(tmp_path / "home")
    path = home.patients_dir / "b.json"
    bak = path.with_name("b.json.bak")
    checked = bak.read_bytes()
    path.write_text("{")
    check = maintenance.record_from_tinydb

    def swap_after_check(p, data):
        record = check(p, data)
        bak.write_bytes((home.patients_dir / "a.json").read_bytes())  # another patient's file, once checked
        return record

    monkeypatch.setattr(maintenance, "record_from_tinydb", swap_after_check)
    code, out, err = cli(monkeypatch, capsys, home, "db", "check", "--repair")
    assert "patients/b.json: restored from b.json.bak" in out, err
    assert path.read_bytes() == checked and home.load("b").patient.id == "b"


@pytest.mark.skipif(os.name != "posix", reason="names of bytes")
def test_a_file_name_that_is_not_utf8_never_ends_a_backup_with_an_internal_error(monkeypatch, capsys, tmp_path):
    """A name with a byte that is not UTF-8 (from another system, a zip, a USB stick) anywhere in the data folder
    ended `db backup` with "internal error (UnicodeEncodeError)": no zip can name it; it is left out and said."""
    home = clinic(tmp_path / "home")
    odd = Path(os.fsdecode(bytes(home.root) + b"/\xffnote.txt"))
    odd.write_text("not backcoach's")
    out = tmp_path / "b.zip"
    code, _, err = cli(monkeypatch, capsys, home, "db", "backup", "--out", str(out))
    assert code == 0 and "<U+DCFF>note.txt left out: its name is not UTF-8 text" in err, err
    assert "patients/a.json" in zipfile.ZipFile(out).namelist()
    for args in (("db", "check"), ("session", "list"), ("export", "--all", "-f", "json", "--out", str(tmp_path / "o"))):
        code, out_, err = cli(monkeypatch, capsys, home, *args)
        assert code == 0, (args, err)


def test_a_patient_file_gone_with_its_bak_left_is_a_problem_repair_restores(monkeypatch, capsys, tmp_path):
    """A patient file removed by hand or by another program (its .bak left) vanished from every list, and db check
    said 0 problems; restore_from_backup could restore a missing file, but was never asked to."""
    home = clinic(tmp_path / "home")
    (home.patients_dir / "b.json").unlink()
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 3 and "problem: patients/b.json: missing, but its .bak is there (--repair restores it)" in err
    code, out, err = cli(monkeypatch, capsys, home, "db", "check", "--repair")
    assert code == 0 and "repaired: patients/b.json: restored from b.json.bak (it was missing)" in out, err
    assert home.load("b").patient.id == "b"
    code, out, err = cli(monkeypatch, capsys, home, "patient", "list", "--all", "--json")  # its previous version:
    assert [p["id"] for p in json.loads(out)] == ["a", "b", "c"]  # archived (b was archived, then brought back)


def test_db_check_reports_an_index_entry_that_hides_a_patient(monkeypatch, capsys, tmp_path):
    """A tampered index entry whose size and time still match its file (archived: true, another name) hid a healthy
    patient from every listing, and db check said 0 problems; --repair rebuilds it."""
    home = clinic(tmp_path / "home")
    cli(monkeypatch, capsys, home, "patient", "list")
    index = json.loads(home.index_path.read_text())
    index["patients"]["a"]["archived"] = True
    index["patients"]["c"]["name"] = "Someone else"
    home.index_path.write_text(json.dumps(index))
    code, out, err = cli(monkeypatch, capsys, home, "patient", "list", "--json")
    assert [(p["id"], p["name"]) for p in json.loads(out)] == [("b", "B"), ("c", "Someone else")]  # trusted
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 3 and "problem: index.json: says otherwise than a.json, c.json" in err, err
    code, out, err = cli(monkeypatch, capsys, home, "db", "check", "--repair")
    assert code == 0 and "index.json: says otherwise than a.json, c.json" in out, err
    code, out, err = cli(monkeypatch, capsys, home, "patient", "list", "--json")
    assert [(p["id"], p["name"]) for p in json.loads(out)] == [("a", "A"), ("b", "B"), ("c", "C")]
    code, out, err = cli(monkeypatch, capsys, home, "db", "check")
    assert code == 0, err


def test_patient_list_names_a_file_whose_name_is_no_id_as_session_list_does(monkeypatch, capsys, tmp_path):
    """`patient list` passed over "notes copy.json" in silence while `session list` and db check named it."""
    home = clinic(tmp_path / "home")
    (home.patients_dir / "notes copy.json").write_bytes((home.patients_dir / "a.json").read_bytes())
    code, out, err = cli(monkeypatch, capsys, home, "patient", "list", "--json")
    assert code == 0 and [p["id"] for p in json.loads(out)] == ["a", "b", "c"]
    assert err == (
        "backcoach: warning: patients/notes copy.json is damaged (its name is not a patient id); "
        "run `backcoach db check`\n"
    )
