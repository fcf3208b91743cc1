"""The store on real files: atomic saves with a .bak, privacy, ids, locks, and damage that never spreads."""

import json
import os
import stat
import subprocess
import sys
import textwrap
import time
import zipfile

import pytest

from backcoach.consultation import Consultation
from backcoach.errors import UsageError
from backcoach.model import SCHEMA_VERSION
from backcoach.store import DamagedFile, Home, PatientLocked, PatientNotFound
from backcoach.store.maintenance import backup_home, check_home
from backcoach.textclean import TextTooLong

VALUES = ("planning.goals", "values")


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_add_and_load_a_patient(home):
    patient = home.add_patient("Ana Souza", born=1971)
    record = home.load(patient.id)
    assert (record.patient.name, record.patient.born, record.sessions) == ("Ana Souza", 1971, [])
    assert len(patient.id) == 8 and patient.id.isalnum()


def test_folders_are_0700_and_files_0600(home, protocol):
    p = home.add_patient("Ana", patient_id="ana")
    with Consultation(home, protocol, p.id) as c:
        c.set(*VALUES, "walking the dog")
        c.set(*VALUES, "walking the dog daily")
    home.index()
    assert mode(home.root) == 0o700 and mode(home.patients_dir) == 0o700
    for f in [home.index_path, *home.patients_dir.iterdir()]:
        assert mode(f) == 0o600, f.name
    assert (home.patients_dir / "ana.json.bak").exists()


def test_nothing_is_created_until_something_is_written(tmp_path):
    home = Home(tmp_path / "h")
    assert home.index() == [] and home.patient_ids() == []
    assert not (tmp_path / "h").exists()


def test_save_keeps_the_previous_version_as_bak(home, protocol):
    home.add_patient("Ana", patient_id="ana")
    with Consultation(home, protocol, "ana") as c:
        c.set(*VALUES, "first")
        c.set(*VALUES, "second")
    current = json.loads((home.patients_dir / "ana.json").read_text())
    previous = json.loads((home.patients_dir / "ana.json.bak").read_text())
    (s_now,) = current["sessions"].values()
    (s_before,) = previous["sessions"].values()
    assert s_now["answers"]["planning.goals"]["values"] == "second"
    assert s_before["answers"]["planning.goals"]["values"] == "first"
    assert not [f for f in home.patients_dir.iterdir() if f.name.startswith(".")]  # no temp files left


def test_resuming_the_open_session_writes_nothing(home, protocol):
    """Opening a consultation to look or go on must not rewrite the file (nor push the .bak one version on)."""
    home.add_patient("Ana", patient_id="ana")
    with Consultation(home, protocol, "ana") as c:
        c.set(*VALUES, "first")
        c.set(*VALUES, "second")
    files = [home.patients_dir / "ana.json", home.patients_dir / "ana.json.bak"]
    before = [(f.read_bytes(), f.stat().st_mtime_ns) for f in files]
    with Consultation(home, protocol, "ana") as c:
        assert c.session.answer(*VALUES) == "second"
    assert [(f.read_bytes(), f.stat().st_mtime_ns) for f in files] == before


def test_trailing_white_space_is_no_answer_and_no_change(home, protocol):
    home.add_patient("Ana", patient_id="ana")
    with Consultation(home, protocol, "ana") as c:
        assert c.update(*VALUES, "Walks daily \n\t ")
        assert c.session.answer(*VALUES) == "Walks daily"
        stamp = c.session.updated
        assert not c.update(*VALUES, "Walks daily ")  # the same answer once cleaned: nothing to save
        assert c.session.updated == stamp
        assert c.update(*VALUES, "  Walks daily, to the market")  # leading space is the typist's own
        assert c.session.answer(*VALUES) == "  Walks daily, to the market"


@pytest.mark.parametrize("bad", ["../x", "a/b", "", "x" * 200, ".hidden", "-dash", "a b", "a\x00b", "é"])
def test_unsafe_patient_ids_are_refused(home, bad):
    with pytest.raises(UsageError, match="invalid patient id"):
        home.add_patient("X", patient_id=bad)
    with pytest.raises(UsageError):
        home.load(bad)
    assert not home.root.joinpath("x.json").exists() and not home.root.parent.joinpath("x.json").exists()


def test_duplicate_id_is_refused(home):
    home.add_patient("A", patient_id="p1")
    with pytest.raises(UsageError, match="already taken"):
        home.add_patient("B", patient_id="p1")
    assert home.load("p1").patient.name == "A"


def test_missing_patient_is_a_clear_error(home):
    with pytest.raises(PatientNotFound, match="no patient with id 'ghost'"):
        home.load("ghost")


def test_text_over_64_kib_is_refused(home, protocol):
    home.add_patient("A", patient_id="a")
    with Consultation(home, protocol, "a") as c, pytest.raises(TextTooLong, match="limit is 64 KiB"):
        c.set(*VALUES, "x" * (64 * 1024 + 1))
    assert home.load("a").sessions[0].answers == {}


def test_second_writer_is_refused_with_pid_and_readers_still_work(home, protocol):
    home.add_patient("A", patient_id="a")
    with Consultation(home, protocol, "a") as first:
        first.set(*VALUES, "from the first window")
        with pytest.raises(
            PatientLocked, match=rf"patient a is open in another backcoach window \(pid {os.getpid()}\)"
        ):
            Consultation(home, protocol, "a")
        assert home.load("a").sessions[0].answer(*VALUES) == "from the first window"
        assert [e.id for e in home.index()] == ["a"]
    with Consultation(home, protocol, "a") as second:  # released on close
        assert second.session.answer(*VALUES) == "from the first window"


CHILD_HOLDS_LOCK = textwrap.dedent(
    """
    import sys
    from backcoach.consultation import Consultation
    from backcoach.protocol import builtin_protocol
    from backcoach.store import Home
    c = Consultation(Home(sys.argv[1]), builtin_protocol(), "a")
    print("locked", flush=True)
    line = sys.stdin.readline().strip()
    if line:
        c.set("planning.goals", "values", line)
    print("saved", flush=True)
    sys.stdin.readline()
    """
)


def _child_holding_lock(home) -> subprocess.Popen:
    """A second backcoach process with patient 'a' open for writing, driven through its stdin."""
    return subprocess.Popen(
        [sys.executable, "-c", CHILD_HOLDS_LOCK, str(home.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_two_processes_second_refused_no_update_lost(home, protocol):
    home.add_patient("A", patient_id="a")
    child = _child_holding_lock(home)
    try:
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(PatientLocked, match=f"pid {child.pid}"):
            Consultation(home, protocol, "a")
        child.stdin.write("child's answer\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "saved"
    finally:
        child.stdin.close()
        child.wait(timeout=30)
    with Consultation(home, protocol, "a") as c:
        assert c.session.answer(*VALUES) == "child's answer"
        c.set("planning.goals", "motivation", "parent's answer")
    (session,) = home.load("a").sessions
    assert session.answers == {"planning.goals": {"values": "child's answer", "motivation": "parent's answer"}}


def test_stale_lock_of_a_killed_process_is_taken_over(home, protocol):
    home.add_patient("A", patient_id="a")
    child = _child_holding_lock(home)
    assert child.stdout.readline().strip() == "locked"
    child.kill()
    child.wait(timeout=30)
    assert (home.patients_dir / "a.lock").read_text().strip() == str(child.pid)
    with Consultation(home, protocol, "a") as c:
        c.set(*VALUES, "after the crash")
    assert home.load("a").sessions[0].answer(*VALUES) == "after the crash"


# --- damage ------------------------------------------------------------------------------------------------

DAMAGE = {
    "corrupt": lambda p: p.write_bytes(b'{"meta": {"1": {"schema": 1}}, "patient": {"1": {"id": "b", "na\xff'),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    "empty": lambda p: p.write_bytes(b""),
    "wrong schema": lambda p: p.write_text(p.read_text().replace(f'"schema": {SCHEMA_VERSION}', '"schema": 99')),
    "not a record": lambda p: p.write_text('{"meta": {"1": {"schema": 1}}, "patient": {"1": {"id": "b"}}}'),
}
TRUNCATED = "not valid JSON: Unterminated string starting at line 21"  # a three_patients file cut in half
REASON = {  # what each kind of damage is reported as
    "corrupt": "not valid JSON: not UTF-8 text",
    "truncated": TRUNCATED,
    "empty": "empty file",
    "wrong schema": f"schema version 99; this backcoach reads version {SCHEMA_VERSION}",
    "not a record": "unreadable record (KeyError)",
}


def restored(pid: str, home: Home) -> str:
    """What `--repair` says of restoring patient `pid` from its .bak (the damaged file kept aside beside it)."""
    (aside,) = home.patients_dir.glob(f"{pid}.json.broken-*")
    return f"patients/{pid}.json: restored from {pid}.json.bak (damaged file kept as {aside.name})"


@pytest.mark.parametrize(
    "raw,reason",
    [
        (b'{"a', "Unterminated string starting at line 1"),  # was "… starting at at line 1"
        (b'{"a": "\x01"}', "Invalid control character at line 1"),
        (b"[1\n 2]", "Expecting ',' delimiter at line 2"),
        (b"{1: 2}", "Expecting property name enclosed in double quotes at line 1"),
    ],
)
def test_a_json_error_says_what_and_which_line_once(raw, reason):
    from backcoach.store.atomic import BadJSON, parse_json

    with pytest.raises(BadJSON) as bad:
        parse_json(raw)
    assert bad.value.reason == f"not valid JSON: {reason}"


@pytest.fixture
def three_patients(home, protocol):
    for pid in ("a", "b", "c"):
        home.add_patient(pid.upper(), patient_id=pid)
        with Consultation(home, protocol, pid) as c:
            c.set(*VALUES, f"values of {pid}")
            c.set(*VALUES, f"values of {pid}, second version")
    home.index()
    return home


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damaged_file_is_contained_reported_and_never_overwritten(three_patients, protocol, kind):
    home = three_patients
    path = home.patients_dir / "b.json"
    DAMAGE[kind](path)
    damaged_bytes = path.read_bytes()
    time.sleep(0.01)
    entries = {e.id: e for e in home.index()}
    assert (entries["a"].damaged, entries["b"].damaged, entries["c"].damaged) == (None, REASON[kind], None)
    results = dict(home.records())
    assert isinstance(results["b"], DamagedFile) and results["a"].patient.name == "A"
    with pytest.raises(DamagedFile):
        Consultation(home, protocol, "b")
    with pytest.raises(DamagedFile):
        home.archive("b")
    assert path.read_bytes() == damaged_bytes

    report = check_home(home)
    assert report.problems == [f"patients/b.json: {REASON[kind]}"]
    repaired = check_home(home, repair=True)
    assert repaired.clean and repaired.repaired == [restored("b", home), "index.json: rebuilt"]
    assert home.load("b").sessions[0].answer(*VALUES) == "values of b"  # the previous version
    assert [f.read_bytes() for f in home.patients_dir.glob("b.json.broken-*")] == [damaged_bytes]
    assert check_home(home).clean


def test_check_and_repair_cover_practice_attempts(three_patients, protocol):
    from backcoach.practice.attempts import AttemptStore
    from backcoach.practice.cases import find_case
    from backcoach.practice.session import PracticeSession
    from tests.helpers import run_backcoach

    home, case = three_patients, find_case("acute_fear", protocol)
    with PracticeSession.start(home, protocol, case) as practice:
        practice.consultation.set(*VALUES, "first")
        practice.consultation.set(*VALUES, "second")
        attempt = practice.attempt_id
    store = AttemptStore(home)
    done = run_backcoach("db", "check", home=home.root)
    assert done.returncode == 0 and "3 patient files and 1 practice attempt(s) checked" in done.stdout

    DAMAGE["truncated"](store.home.patients_dir / f"{attempt}.json")
    assert [p.split(":")[0] for p in check_home(home).problems] == [f"practice/patients/{attempt}.json"]
    repaired = check_home(home, repair=True)
    (aside,) = store.home.patients_dir.glob(f"{attempt}.json.broken-*")
    assert repaired.repaired == [
        "index.json: rebuilt",
        f"practice/patients/{attempt}.json: restored from {attempt}.json.bak (damaged file kept as {aside.name})",
        "practice/index.json: rebuilt",
    ]
    assert repaired.clean and store.load(attempt).session.answer(*VALUES) == "first"  # the previous version

    meta = store.meta_path(attempt)
    meta.write_bytes(meta.read_bytes()[:20])
    done = run_backcoach("db", "check", home=home.root)
    assert done.returncode == 3 and f"problem: practice/meta/{attempt}.json: " in done.stderr
    done = run_backcoach("db", "check", "--repair", home=home.root)
    assert done.returncode == 0 and f"repaired: practice/meta/{attempt}.json: restored from" in done.stdout
    assert store.load(attempt).meta.case_id == case.id and not store.load(attempt).meta.finished

    meta.write_bytes(b"{")
    meta.with_name(meta.name + ".bak").write_bytes(b"")
    done = run_backcoach("db", "check", "--repair", home=home.root)
    assert done.returncode == 3 and "and its .bak is missing or damaged too" in done.stderr


def test_missing_or_damaged_index_is_rebuilt(three_patients):
    home = three_patients
    home.index_path.unlink()
    report = check_home(home)
    assert report.clean and report.notes == ["index.json: not built yet (it is a cache; the next listing builds it)"]
    assert sorted(e.id for e in home.index()) == ["a", "b", "c"]
    home.index_path.write_text("{not json")
    assert check_home(home).problems == [
        "index.json: not valid JSON: Expecting property name enclosed in double quotes at line 1"
    ]
    assert sorted(e.id for e in home.index()) == ["a", "b", "c"]
    assert check_home(home).clean


def test_index_follows_files_changed_behind_its_back(three_patients, protocol):
    home = three_patients
    (home.patients_dir / "c.json").unlink()
    home.add_patient("D", patient_id="d")
    with Consultation(home, protocol, "a") as c:
        c.complete()
    entries = {e.id: e for e in home.index()}
    assert sorted(entries) == ["a", "b", "d"]
    assert entries["a"].open_session is None and entries["b"].open_session


def test_archive_hides_and_undo_restores(home):
    home.add_patient("A", patient_id="a")
    assert home.archive("a").archived
    assert [e.archived for e in home.index()] == [True]
    assert not home.archive("a", archived=False).archived


def test_backup_is_a_zip_of_the_data(three_patients, tmp_path):
    out = backup_home(three_patients, tmp_path / "b.zip")
    names = zipfile.ZipFile(out).namelist()
    assert {"index.json", "patients/a.json", "patients/b.json.bak"} <= set(names)
    assert not [n for n in names if n.endswith(".lock")]
    assert mode(out) == 0o600
    default = backup_home(three_patients)
    assert default.parent == three_patients.root / "backups" and zipfile.is_zipfile(default)


def test_a_stray_file_whose_name_is_not_an_id_never_stops_a_listing(three_patients, protocol):
    from tests.helpers import run_backcoach

    stray = three_patients.patients_dir / "notes copy.json"
    stray.write_text("{}")
    found = dict(three_patients.records())
    assert isinstance(found["notes copy"], DamagedFile) and sum(isinstance(r, DamagedFile) for r in found.values()) == 1
    done = run_backcoach("session", "list", home=three_patients.root)
    assert done.returncode == 0 and "notes copy.json" in done.stderr and done.stderr.count("\n") == 1


def test_repair_skips_a_damaged_patient_that_is_open_elsewhere_and_goes_on(three_patients):
    from backcoach.store.lock import PatientLock

    home = three_patients
    for pid in ("a", "b"):
        DAMAGE["truncated"](home.patients_dir / f"{pid}.json")
    held = PatientLock(home.patients_dir / "a.lock", "a").acquire()  # as another window would hold it
    try:
        report = check_home(home, repair=True)
    finally:
        held.release()
    assert report.repaired == [restored("b", home), "index.json: rebuilt"]
    assert report.problems == [
        f"patients/a.json: {TRUNCATED}; not repaired: patient a is open in another backcoach window (pid {os.getpid()})"
    ]
    assert home.load("b").patient.id == "b"


def test_opening_a_missing_patient_leaves_no_lock_file_behind(home):
    home.add_patient("A", patient_id="a")
    with pytest.raises(PatientNotFound):
        home.archive("typo")
    assert sorted(p.name for p in home.patients_dir.iterdir()) == ["a.json", "a.lock"]


def test_listing_works_when_the_index_cannot_be_written(three_patients):
    """The index is a cache: a home where it cannot be written (read-only media, here a folder in its place)
    is still listed, from the patient files."""
    from tests.helpers import run_backcoach

    three_patients.index_path.unlink()
    three_patients.index_path.mkdir()
    done = run_backcoach("patient", "list", "--json", home=three_patients.root)
    assert done.returncode == 0, done.stderr
    assert [p["id"] for p in json.loads(done.stdout)] == ["a", "b", "c"]


class _FrozenClock:
    """`datetime` as maintenance uses it, stopped at one second: two runs within the same second."""

    from datetime import datetime as _real

    @classmethod
    def now(cls):
        return cls._real(2026, 12, 4, 15, 0, 0)


def test_two_repairs_in_one_second_keep_both_damaged_copies(three_patients, monkeypatch):
    from backcoach.store import maintenance

    monkeypatch.setattr(maintenance, "datetime", _FrozenClock)
    home, path = three_patients, three_patients.patients_dir / "b.json"
    kept = []
    for damage in (b"{first damage", b"{second damage"):
        path.write_bytes(damage)
        kept.append(damage)
        assert check_home(home, repair=True).clean
        assert home.load("b").patient.id == "b"
    copies = sorted(home.patients_dir.glob("b.json.broken-*"))
    assert [c.name for c in copies] == ["b.json.broken-20261204-150000", "b.json.broken-20261204-150000-2"]
    assert [c.read_bytes() for c in copies] == kept
    assert all(mode(c) == 0o600 for c in copies)


def test_two_backups_in_one_second_are_two_files(three_patients, monkeypatch):
    from backcoach.store import maintenance

    monkeypatch.setattr(maintenance, "datetime", _FrozenClock)
    first = backup_home(three_patients)
    first_bytes = first.read_bytes()
    three_patients.add_patient("D", patient_id="d")
    second = backup_home(three_patients)
    assert first != second and first.read_bytes() == first_bytes
    assert "patients/d.json" in zipfile.ZipFile(second).namelist()


@pytest.mark.parametrize("target", ["patients/b.json", "patients/new.zip", "index.json", "practice/x.zip", "x.zip"])
def test_backup_out_inside_the_data_folder_is_refused(three_patients, target):
    from tests.helpers import run_backcoach

    home = three_patients
    before = {p: p.read_bytes() for p in home.root.rglob("*") if p.is_file()}
    done = run_backcoach("db", "backup", "--out", str(home.root / target), "--force", home=home.root)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "inside the data folder" in done.stderr
    assert {p: p.read_bytes() for p in home.root.rglob("*") if p.is_file()} == before
    assert check_home(home).clean and home.load("b").sessions[0].answer(*VALUES) == "values of b, second version"


def test_backup_out_never_replaces_a_file_without_force(three_patients, tmp_path):
    from tests.helpers import run_backcoach

    out = tmp_path / "mine.txt"
    out.write_text("keep me")
    done = run_backcoach("db", "backup", "--out", str(out), home=three_patients.root)
    assert done.returncode == 1 and done.stderr == f"backcoach: {out} exists; not overwritten (use --force)\n"
    assert out.read_text() == "keep me"
    done = run_backcoach("db", "backup", "--out", str(out), "--force", home=three_patients.root)
    assert done.returncode == 0 and zipfile.is_zipfile(out) and mode(out) == 0o600
    done = run_backcoach("db", "backup", "--out", str(tmp_path), home=three_patients.root)
    assert done.returncode == 2 and "is a folder" in done.stderr
    done = run_backcoach(
        "db", "backup", "--out", str(three_patients.root / "backups" / "b.zip"), home=three_patients.root
    )
    assert done.returncode == 0 and zipfile.is_zipfile(three_patients.root / "backups" / "b.zip")


def _disk_full(*_args):
    import errno

    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_add_names_the_file_and_leaves_no_stray_lock(home, monkeypatch, capsys):
    from tests.helpers import run_main

    home.add_patient("A", patient_id="a")
    monkeypatch.setattr(os, "fsync", _disk_full)  # the disk fills up as the new file is made durable
    code, out, err = run_main(monkeypatch, capsys, "--home", str(home.root), "patient", "add", "B", "--id", "b")
    assert (code, out) == (1, "")
    assert err == f"backcoach: {home.patients_dir / 'b.json'}: No space left on device\n"
    assert sorted(p.name for p in home.patients_dir.iterdir()) == ["a.json", "a.lock"]  # no b.lock, no temp file


def test_a_failed_import_names_the_file_it_could_not_write(home, protocol, monkeypatch, capsys, tmp_path):
    from backcoach.transfer import dumps, export_record
    from tests.helpers import run_main

    home.add_patient("A", patient_id="a")
    exported = tmp_path / "a.json"
    exported.write_text(dumps(export_record(home.load("a"))))
    other = Home(tmp_path / "other")
    other.add_patient("Z", patient_id="z")
    monkeypatch.setattr(os, "fsync", _disk_full)
    code, _, err = run_main(monkeypatch, capsys, "--home", str(other.root), "import", str(exported))
    assert code == 1 and "None" not in err
    assert f"backcoach: {exported}: {other.patients_dir / 'a.json'}: No space left on device\n" in err
    assert sorted(p.name for p in other.patients_dir.iterdir()) == ["z.json", "z.lock"]


def test_db_check_reports_and_repair_removes_temp_files_of_interrupted_saves(three_patients):
    """A SIGKILL during a save leaves a hidden temp file holding patient data: db check named none of them."""
    from backcoach.store.lock import PatientLock
    from tests.helpers import run_backcoach

    home = three_patients
    data = (home.patients_dir / "a.json").read_bytes()
    left = [
        home.patients_dir / ".a.json.k2j4x9_q.tmp",  # the temp file of a killed save
        home.patients_dir / ".b.json.bak.4242",  # a .bak link being made when it was killed
        home.patients_dir / ".gone.json.zz1.tmp",  # a killed add: no gone.json was ever made
        home.root / ".index.json.a8d.tmp",
        home.root / "backups" / ".backcoach-20261204-150000.zip.x1.tmp",  # a killed db backup: every patient in it
    ]
    left[-1].parent.mkdir()
    for path in left:
        path.write_bytes(data)
    old = time.time() - 3600
    for path in left[-2:]:
        os.utime(path, (old, old))
    busy = home.patients_dir / ".c.json.live1.tmp"  # c is being saved right now by the window that has it open
    busy.write_bytes(data)
    fresh_index = home.root / ".index.json.now.tmp"  # an index being written right now (no lock guards it)
    fresh_index.write_bytes(b"{}")
    held = PatientLock(home.patients_dir / "c.lock", "c").acquire()
    try:
        done = run_backcoach("db", "check", home=home.root)
        assert done.returncode == 3
        for path in left:
            name = path.relative_to(home.root).as_posix()
            assert f"problem: {name}: left by an interrupted save; it may hold patient data" in done.stderr
        assert ".c.json" not in done.stderr and ".index.json.now" not in done.stderr
        assert all(path.exists() for path in left)
        done = run_backcoach("db", "check", "--repair", home=home.root)
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("removed (left by an interrupted save)") == len(left)
        assert not any(path.exists() for path in left) and busy.exists() and fresh_index.exists()
        assert not (home.patients_dir / "gone.lock").exists()
    finally:
        held.release()
    assert run_backcoach("db", "check", home=home.root).returncode == 3  # c's is a leftover once c is closed
    assert check_home(home, repair=True).clean and not busy.exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes and umask")
def test_folders_made_for_home_and_out_are_private_under_umask_000(tmp_path, protocol):
    from tests.helpers import run_backcoach

    home_dir, out_dir = tmp_path / "h1" / "h2" / "home", tmp_path / "o1" / "o2" / "out"
    previous = os.umask(0)
    try:
        assert run_backcoach("--home", str(home_dir), "patient", "add", "A", "--id", "a").returncode == 0
        with Consultation(Home(home_dir), protocol, "a") as c:
            c.set(*VALUES, "walking")
        done = run_backcoach("--home", str(home_dir), "export", "a", "--out", str(out_dir))
        assert done.returncode == 0, done.stderr
        backup = run_backcoach("--home", str(home_dir), "db", "backup", "--out", str(tmp_path / "b1" / "b.zip"))
        assert backup.returncode == 0, backup.stderr
    finally:
        os.umask(previous)
    made = [home_dir, home_dir.parent, home_dir.parent.parent, out_dir, out_dir.parent, out_dir.parent.parent]
    made += [home_dir / "patients", tmp_path / "b1"]
    assert {d.relative_to(tmp_path).as_posix(): oct(mode(d)) for d in made} == {
        d.relative_to(tmp_path).as_posix(): oct(0o700) for d in made
    }
    files = [p for p in [*home_dir.rglob("*"), *out_dir.rglob("*"), tmp_path / "b1" / "b.zip"] if p.is_file()]
    assert files and all(mode(p) == 0o600 for p in files), {p.name: oct(mode(p)) for p in files}


def test_a_tampered_index_never_hides_a_healthy_patient_nor_prints_raw_escapes(three_patients):
    """index.json is a cache: a valid but tampered one said b was damaged (so b was hidden) with an escape sequence
    in the reason, which `patient list` printed raw."""
    from tests.helpers import run_backcoach

    home = three_patients
    index = json.loads(home.index_path.read_text())
    index["patients"]["b"]["damaged"] = "\x1b]0;pwned\x07\x1b[2J"
    index["patients"]["a"]["id"] = "zzz"  # an entry that names another patient
    index["patients"]["c"]["archived"] = "yes"  # a value of the wrong type
    index["patients"]["c"]["name"] = "\x1b[31mC"
    home.index_path.write_text(json.dumps(index))
    done = run_backcoach("patient", "list", "--json", home=home.root)
    assert done.returncode == 0 and "\x1b" not in done.stdout + done.stderr and done.stderr == ""
    assert [(p["id"], p["name"], p["archived"]) for p in json.loads(done.stdout)] == [
        ("a", "A", False),
        ("b", "B", False),
        ("c", "C", False),
    ]
    rebuilt = json.loads(home.index_path.read_text())["patients"]
    assert rebuilt["b"]["damaged"] is None and rebuilt["a"]["id"] == "a" and rebuilt["c"]["name"] == "C"
    index["patients"] = rebuilt
    index["patients"]["b"]["name"] = "\x1b]0;pwned\x07B"  # a stale cached name the file agrees with in size
    home.index_path.write_text(json.dumps(index))
    done = run_backcoach("patient", "list", home=home.root)
    assert done.returncode == 0 and "\x1b" not in done.stdout and "]0;pwnedB" in done.stdout  # cleaned as typed text


OUTSIDE = {
    "damaged": lambda p: p.write_bytes(b'{"meta": {"1"'),
    "replaced": lambda p: p.write_text(p.read_text().replace('"A"', '"A from another program"')),
    "removed": lambda p: p.unlink(),
}


@pytest.mark.parametrize("kind", sorted(OUTSIDE))
def test_an_open_patient_never_saves_over_a_file_changed_from_outside(home, protocol, kind):
    """A window with a patient open wrote over a file damaged from outside on its next save, and made the damaged
    bytes the .bak: the only good copy was then gone."""
    from backcoach.errors import IntegrityError

    home.add_patient("A", patient_id="a")
    path, bak = home.patients_dir / "a.json", home.patients_dir / "a.json.bak"
    with Consultation(home, protocol, "a") as c:
        c.set(*VALUES, "first")
        c.set(*VALUES, "second")
        saved = bak.read_bytes()
        time.sleep(0.01)
        OUTSIDE[kind](path)
        after = path.read_bytes() if path.exists() else None
        for _ in range(2):  # and every save after it
            with pytest.raises(IntegrityError, match=r"a\.json was changed by another program"):
                c.set(*VALUES, "third")
        assert (path.read_bytes() if path.exists() else None) == after and bak.read_bytes() == saved
    assert not [f for f in home.patients_dir.iterdir() if f.name.startswith(".")]


def test_a_save_after_a_save_still_works_and_keeps_the_bak(home, protocol):
    home.add_patient("A", patient_id="a")
    with Consultation(home, protocol, "a") as c:
        for n in range(5):
            c.set(*VALUES, f"answer {n}")
    assert home.load("a").sessions[0].answer(*VALUES) == "answer 4"


@pytest.mark.skipif(os.name != "posix", reason="symlinks and named pipes")
def test_backup_leaves_out_links_and_special_files(three_patients, tmp_path):
    """A link in the data folder copied whatever it pointed to (any file the user can read) into the backup, and
    a named pipe made `db backup` wait for ever."""
    from tests.helpers import run_backcoach

    home = three_patients
    secret = tmp_path / "secret.txt"
    secret.write_text("not backcoach's")
    (home.patients_dir / "x.json").symlink_to(secret)
    (home.root / "elsewhere").symlink_to(tmp_path)
    os.mkfifo(home.root / "pipe")
    done = run_backcoach("db", "backup", "--out", str(tmp_path / "b.zip"), home=home.root, timeout=30)
    assert done.returncode == 0, done.stderr
    names = zipfile.ZipFile(tmp_path / "b.zip").namelist()
    assert "patients/a.json" in names and not {"patients/x.json", "elsewhere", "pipe"} & set(names)
    assert not [n for n in names if n.startswith("elsewhere/")]
    assert done.stderr.count("left out: not a regular file") == 3


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_lock_file_that_is_a_link_is_refused_never_truncated(three_patients, tmp_path):
    """Opening a patient truncated whatever its .lock pointed to and wrote a pid into it."""
    from tests.helpers import run_backcoach

    victim = tmp_path / "precious.txt"
    victim.write_text("precious data")
    lock = three_patients.patients_dir / "a.lock"
    lock.unlink()
    lock.symlink_to(victim)
    done = run_backcoach("patient", "archive", "a", home=three_patients.root)
    assert done.returncode == 1 and done.stderr == f"backcoach: {lock}: a lock file must not be a link; remove it\n"
    assert victim.read_text() == "precious data"
    lock.unlink()
    os.link(three_patients.patients_dir / "b.json", lock)  # a hard link to another patient's file
    kept = (three_patients.patients_dir / "b.json").read_bytes()
    done = run_backcoach("patient", "archive", "a", home=three_patients.root)
    assert done.returncode == 1 and "a lock file must be a regular file of its own (no links)" in done.stderr
    assert (three_patients.patients_dir / "b.json").read_bytes() == kept


@pytest.mark.skipif(os.name == "nt", reason="a locked region cannot be written through another handle")
def test_the_lock_holder_shown_is_a_pid_and_nothing_else(three_patients):
    from backcoach.store.lock import PatientLock

    lock = three_patients.patients_dir / "a.lock"
    held = PatientLock(lock, "a").acquire()
    try:
        lock.write_bytes(b"\x1b]0;pwned\x0712\x1b[2J")  # what another program (or a tampered file) left in it
        with pytest.raises(PatientLocked) as info:
            PatientLock(lock, "a").acquire()
    finally:
        held.release()
    assert str(info.value) == "patient a is open in another backcoach window (pid unknown)"


@pytest.mark.parametrize("reserved", ["nul", "CON", "Aux", "prn", "com1", "LPT9"])
def test_windows_device_names_are_refused_for_new_patients(home, reserved):
    """On Windows `nul.json` is the null device: every save of that patient would vanish."""
    with pytest.raises(UsageError, match="Windows keeps that name for a device"):
        home.add_patient("X", patient_id=reserved)
    assert not home.patients_dir.exists() or not list(home.patients_dir.iterdir())


def test_an_empty_or_file_home_is_a_usage_error(tmp_path):
    from tests.helpers import run_backcoach

    done = run_backcoach("--home", "", "patient", "add", "X", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr == "backcoach: --home is empty; name the data folder\n"
    assert list(tmp_path.iterdir()) == []  # not the current folder, silently
    afile = tmp_path / "afile"
    afile.write_text("x")
    for args in (["patient", "list"], ["patient", "add", "X"]):
        done = run_backcoach("--home", str(afile), *args)
        assert done.returncode == 2 and done.stderr == f"backcoach: --home {afile}: not a folder\n"


@pytest.mark.skipif(os.name != "posix", reason="named pipes and symlinks")
def test_backup_force_replaces_only_a_regular_file(three_patients, tmp_path):
    """--force replaced whatever --out named: run as root, `--out /dev/null --force` made /dev/null a zip file."""
    from tests.helpers import run_backcoach

    pipe, target = tmp_path / "pipe", tmp_path / "target.zip"
    os.mkfifo(pipe)
    target.write_text("keep")
    (tmp_path / "link.zip").symlink_to(target)
    for out in (pipe, tmp_path / "link.zip"):
        done = run_backcoach("db", "backup", "--out", str(out), "--force", home=three_patients.root)
        assert done.returncode == 2 and "is not a regular file" in done.stderr
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode) and (tmp_path / "link.zip").is_symlink()
    assert target.read_text() == "keep"


def test_repair_goes_on_when_a_bak_or_a_lock_cannot_be_used(three_patients):
    """A .bak that is a folder stopped `db check --repair` at that patient: the others were never checked."""
    home = three_patients
    for pid in ("a", "b", "c"):
        DAMAGE["truncated"](home.patients_dir / f"{pid}.json")
    (home.patients_dir / "a.json.bak").unlink()
    (home.patients_dir / "a.json.bak").mkdir()
    (home.patients_dir / "b.lock").unlink()
    (home.patients_dir / "b.lock").mkdir()
    report = check_home(home, repair=True)
    assert report.problems == [
        f"patients/a.json: {TRUNCATED} and its .bak is missing or damaged too",
        "patients/a.json.bak: a folder, not a file (the patient cannot be saved until it is moved)",
        f"patients/b.json: {TRUNCATED}; not repaired: {home.patients_dir / 'b.lock'}: Is a directory",
        "patients/b.lock: a folder, not a lock file; the patient cannot be saved until it is removed",
    ]
    assert report.repaired == [restored("c", home), "index.json: rebuilt"]
    assert home.load("c").patient.id == "c"


def test_an_index_that_cannot_be_read_is_a_problem_not_the_end_of_the_check(three_patients):
    """A folder in index.json's place stopped `db check` with one line: nothing checked or repaired was reported."""
    from tests.helpers import run_backcoach

    home = three_patients
    DAMAGE["truncated"](home.patients_dir / "b.json")
    home.index_path.unlink()
    home.index_path.mkdir()
    done = run_backcoach("db", "check", "--repair", home=home.root)
    assert done.returncode == 3
    assert "repaired: patients/b.json: restored from b.json.bak" in done.stdout
    assert "problem: index.json: a folder, not a file; not rebuilt: " in done.stderr
    assert home.load("b").patient.id == "b"
