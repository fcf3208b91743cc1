"""The patient, session and db commands as a user runs them: output, exit codes, one-line errors."""

import json
import os
import stat

from backcoach.consultation import Consultation
from backcoach.store import Home
from tests.helpers import run_backcoach, run_cli

HOSTILE_NAME = "Ana [bold]x[/] [@click=app.quit] <script>"


def test_patient_add_prints_only_the_id(tmp_path):
    result = run_cli(tmp_path, "patient", "add", "Ana Souza", "--born", "1970")
    pid = result.stdout.strip()
    assert result.exit_code == 0 and len(pid) == 8 and "\n" not in pid
    as_json = json.loads(run_cli(tmp_path, "patient", "add", "Bo", "--id", "bo", "--json").stdout)
    assert as_json["id"] == "bo" and as_json["born"] is None


def test_patient_list_show_archive_and_json(tmp_path):
    run_cli(tmp_path, "patient", "add", HOSTILE_NAME, "--id", "ana")
    run_cli(tmp_path, "patient", "add", "Bo", "--id", "bo")
    listed = run_cli(tmp_path, "patient", "list")
    assert HOSTILE_NAME in listed.stdout  # shown literally, not as markup
    assert run_cli(tmp_path, "patient", "archive", "bo").stdout.strip() == "bo: archived"
    ids = [p["id"] for p in json.loads(run_cli(tmp_path, "patient", "list", "--json").stdout)]
    assert ids == ["ana"]
    ids = [p["id"] for p in json.loads(run_cli(tmp_path, "patient", "list", "--json", "--all").stdout)]
    assert ids == ["ana", "bo"]
    shown = run_cli(tmp_path, "patient", "show", "ana")
    assert HOSTILE_NAME in shown.stdout and "0 session(s)" in shown.stdout
    record = json.loads(run_cli(tmp_path, "patient", "show", "ana", "--json").stdout)
    assert record["patient"]["name"] == HOSTILE_NAME


def test_session_list(tmp_path, protocol):
    home = Home(tmp_path)
    home.add_patient("A", patient_id="a")
    with Consultation(home, protocol, "a") as c:
        c.set("planning.goals", "values", "garden")
        c.complete()
    with Consultation(home, protocol, "a"):
        pass
    rows = json.loads(run_cli(tmp_path, "session", "list", "a", "--json").stdout)
    assert [(r["kind"], r["status"], r["covered"]) for r in rows] == [
        ("initial", "complete", 1),
        ("follow-up", "open", 0),
    ]
    assert len(json.loads(run_cli(tmp_path, "session", "list", "--json").stdout)) == 2


def test_errors_are_one_line_with_exit_codes(tmp_path):
    missing = run_backcoach("patient", "show", "ghost", home=tmp_path)
    assert (
        missing.returncode == 1
        and missing.stderr == "backcoach: no patient with id 'ghost' (see `backcoach patient list --all`)\n"
    )
    bad_id = run_backcoach("patient", "add", "X", "--id", "../etc", home=tmp_path)
    assert bad_id.returncode == 2 and bad_id.stderr.count("\n") == 1 and "invalid patient id" in bad_id.stderr
    bad_year = run_backcoach("patient", "add", "X", "--born", "1066", home=tmp_path)
    assert bad_year.returncode == 2 and "year of birth 1066" in bad_year.stderr
    for result in (missing, bad_id, bad_year):
        assert "Traceback" not in result.stderr


def test_locked_patient_message_and_readers_still_work(tmp_path, protocol):
    home = Home(tmp_path)
    home.add_patient("A", patient_id="a")
    with Consultation(home, protocol, "a"):
        locked = run_backcoach("patient", "archive", "a", home=tmp_path)
        assert locked.returncode == 1
        assert "patient a is open in another backcoach window (pid" in locked.stderr
        assert run_backcoach("patient", "show", "a", home=tmp_path).returncode == 0
        assert run_backcoach("patient", "list", home=tmp_path).returncode == 0


def test_db_check_and_repair_exit_codes(tmp_path, protocol):
    home = Home(tmp_path)
    for pid in ("a", "b"):
        home.add_patient(pid, patient_id=pid)
        with Consultation(home, protocol, pid) as c:
            c.set("planning.goals", "values", "v1")
            c.set("planning.goals", "values", "v2")
    assert run_backcoach("db", "check", home=tmp_path).returncode == 0
    (home.patients_dir / "b.json").write_text('{"meta": {"1": {"schema": 1}}, "pati')
    listed = run_backcoach("patient", "list", home=tmp_path)
    assert listed.returncode == 0 and "patients/b.json is damaged" in listed.stderr and "a" in listed.stdout
    check = run_backcoach("db", "check", home=tmp_path)
    assert check.returncode == 3 and "problem: patients/b.json" in check.stderr
    repair = run_backcoach("db", "check", "--repair", home=tmp_path)
    assert repair.returncode == 0 and "restored from b.json.bak" in repair.stdout
    assert run_backcoach("db", "check", home=tmp_path).returncode == 0


def test_db_backup_writes_a_zip(tmp_path):
    run_cli(tmp_path / "h", "patient", "add", "A", "--id", "a")
    out = tmp_path / "backup.zip"
    result = run_cli(tmp_path / "h", "db", "backup", "--out", str(out))
    assert result.exit_code == 0 and result.stdout.strip() == str(out) and out.exists()


def test_unusable_home_folder_is_one_line(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = run_backcoach("patient", "add", "A", home=not_a_folder)
    assert result.returncode == 2 and result.stderr == f"backcoach: BACKCOACH_HOME {not_a_folder}: not a folder\n"


def test_backup_errors_name_the_file_asked_for_not_a_temp_file(tmp_path):
    home = tmp_path / "home"
    assert run_backcoach("patient", "add", "Ada", home=home).returncode == 0
    (tmp_path / "afile").write_text("x")
    for out, problem in (
        (tmp_path / "afile" / "b.zip", f"--out {tmp_path / 'afile'}: not a folder"),
        (tmp_path, f"--out {tmp_path} is a folder; name the zip file to write"),
    ):
        done = run_backcoach("db", "backup", "--out", str(out), home=home)
        assert done.returncode == 2 and done.stderr == f"backcoach: {problem}\n"
    readonly = tmp_path / "ro"
    readonly.mkdir(mode=0o500)
    if os.name == "posix" and os.geteuid() != 0:  # root writes anywhere
        done = run_backcoach("db", "backup", "--out", str(readonly / "b.zip"), home=home)
        assert done.returncode == 1 and done.stderr == f"backcoach: {readonly / 'b.zip'}: Permission denied\n"
    done = run_backcoach("db", "backup", "--out", str(tmp_path / "missing" / "b.zip"), home=home)
    assert done.returncode == 0 and stat.S_IMODE((tmp_path / "missing").stat().st_mode) == 0o700  # as export --out
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_a_tilde_in_home_is_the_user_folder_not_a_folder_named_tilde(tmp_path, monkeypatch):
    """`--home=~/x` reaches backcoach unexpanded (a shell expands ~ only at a word's start): it made a folder '~'."""
    env_home = tmp_path / "user"
    env_home.mkdir()
    monkeypatch.setenv("HOME", str(env_home))
    monkeypatch.setenv("USERPROFILE", str(env_home))  # Windows
    done = run_backcoach("--home=~/bc", "patient", "add", "Ada", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (env_home / "bc" / "patients").is_dir() and not (tmp_path / "~").exists()
    done = run_backcoach("--home=~/bc", "db", "backup", "--out=~/b.zip", cwd=tmp_path)  # and so for --out
    assert done.returncode == 0 and (env_home / "b.zip").is_file() and not (tmp_path / "~").exists(), done.stderr
    done = run_backcoach("--home=~/bc", "export", "--all", "--out=~/ex", cwd=tmp_path)
    assert done.returncode == 0 and (env_home / "ex").is_dir() and not (tmp_path / "~").exists(), done.stderr
