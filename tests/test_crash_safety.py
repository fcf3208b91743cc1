"""Power cuts and killed terminals: every save is fsynced (file, then rename, then folder), and a process SIGKILLed
while saving loses no acknowledged save and leaves only the temp files `db check` names and `--repair` removes."""

import os
import random
import re
import selectors
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from backcoach.consultation import Consultation
from backcoach.store import Home
from backcoach.store.maintenance import check_home

NO_FOLDER_FSYNC = pytest.mark.skipif(
    sys.platform == "win32", reason="Windows cannot fsync a folder: atomic.fsync_dir does nothing there"
)


# --- every save is durable: the OS calls it makes, in order ---------------------------------------------------


def _ident(path_or_fd) -> tuple[int, int]:
    st = os.fstat(path_or_fd) if isinstance(path_or_fd, int) else os.stat(path_or_fd)
    return st.st_dev, st.st_ino


@pytest.fixture
def os_calls(monkeypatch) -> list[tuple]:
    """The fsyncs, renames and links the process makes, in order, each naming the file (device, inode) it was
    about: ("fsync", ident), ("replace", ident of the source, destination), ("link", ident of the source,
    destination). A call is listed once it has returned."""
    calls: list[tuple] = []
    real_fsync, real_replace, real_link = os.fsync, os.replace, os.link

    def fsync(fd):
        real_fsync(fd)
        calls.append(("fsync", _ident(fd)))

    def replace(src, dst, **kw):
        ident = _ident(src)
        real_replace(src, dst, **kw)
        calls.append(("replace", ident, Path(dst)))

    def link(src, dst, **kw):
        real_link(src, dst, **kw)
        calls.append(("link", _ident(src), Path(dst)))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "link", link)
    return calls


def _placed(calls: list[tuple], kind: str, path: Path) -> int:
    """The index of the one call that put the new version in place at `path` (its inode is the file's now)."""
    placing = [i for i, c in enumerate(calls) if c[0] == kind and c[1:] == (_ident(path), path)]
    assert len(placing) == 1, calls
    return placing[0]


def test_a_save_fsyncs_the_new_file_before_it_replaces_the_old(home, protocol, os_calls):
    home.add_patient("Ann Lee", patient_id="ann")
    with Consultation(home, protocol, "ann") as c:
        os_calls.clear()
        c.set("planning.goals", "values", "Walking")
        path = home.patient_path("ann")
        renamed = _placed(os_calls, "replace", path)
        assert ("fsync", _ident(path)) in os_calls[:renamed], os_calls  # its data on disk before it is the file
    assert home.load("ann").sessions[0].answer("planning.goals", "values") == "Walking"


def test_adding_a_patient_fsyncs_the_new_file_before_it_is_linked_in(home, os_calls):
    home.add_patient("Ann Lee", patient_id="ann")
    path = home.patient_path("ann")
    linked = _placed(os_calls, "link", path)  # a new file never replaces one: a hard link that fails if it exists
    assert ("fsync", _ident(path)) in os_calls[:linked], os_calls


@NO_FOLDER_FSYNC
def test_a_save_fsyncs_the_folder_after_the_rename(home, protocol, os_calls):
    home.add_patient("Ann Lee", patient_id="ann")
    with Consultation(home, protocol, "ann") as c:
        os_calls.clear()
        c.set("planning.goals", "values", "Walking")
        path = home.patient_path("ann")
        renamed = _placed(os_calls, "replace", path)
        assert ("fsync", _ident(home.patients_dir)) in os_calls[renamed + 1 :], os_calls  # the rename on disk too


@NO_FOLDER_FSYNC
def test_adding_a_patient_fsyncs_the_folder_after_the_link(home, os_calls):
    home.add_patient("Ann Lee", patient_id="ann")
    path = home.patient_path("ann")
    linked = _placed(os_calls, "link", path)
    assert ("fsync", _ident(home.patients_dir)) in os_calls[linked + 1 :], os_calls


# --- SIGKILL while saving ---------------------------------------------------------------------------------------

SAVER = textwrap.dedent(
    """
    import sys
    from backcoach.consultation import Consultation
    from backcoach.protocol import builtin_protocol
    from backcoach.store import Home
    start = int(sys.argv[2])
    with Consultation(Home(sys.argv[1]), builtin_protocol(), "p") as c:
        print("ready", flush=True)
        for n in range(start, start + 100000):
            c.set("planning.goals", "values", f"answer {n}")
            fear = [{"id": "lift", "item": "lifting", "rating": n % 11}]
            c.set("delivery.successful_experiences", "feared_activities", fear)
            print(n, flush=True)
    """
)


class ChildLines:
    """A child's stdout read line by line, each wait with a deadline: a child that hangs or dies fails the test
    with what it printed, never hangs it."""

    def __init__(self, child: subprocess.Popen, timeout: float = 60):
        self.child, self.timeout = child, timeout
        self.lines: list[str] = []
        self._partial = b""
        self._selector = selectors.DefaultSelector()
        self._selector.register(child.stdout, selectors.EVENT_READ)
        self.eof = False

    def _read(self, deadline: float) -> None:
        if not self._selector.select(max(0.0, deadline - time.monotonic())):
            return
        chunk = os.read(self.child.stdout.fileno(), 65536)
        if not chunk:
            self.eof = True
        *done, self._partial = (self._partial + chunk).split(b"\n")
        self.lines += [line.decode() for line in done]

    def wait_for(self, count: int) -> list[str]:
        """Read until `count` lines have come."""
        deadline = time.monotonic() + self.timeout
        while len(self.lines) < count and not self.eof and time.monotonic() < deadline:
            self._read(deadline)
        assert len(self.lines) >= count, f"{len(self.lines)} line(s) of {count} (exit {self.child.poll()})"
        return self.lines

    def rest(self) -> list[str]:
        """Every line, once the child has ended (its pipe closed)."""
        deadline = time.monotonic() + self.timeout
        while not self.eof and time.monotonic() < deadline:
            self._read(deadline)
        assert self.eof, "the child's output never ended"
        self._selector.close()
        return self.lines


KILLS = 50
TEMP = re.compile(r"^\.p\.json\.[^.]+\.tmp$")  # atomic_file's temp file (mkstemp: `.p.json.<random>.tmp`)


def _hidden(home: Home) -> set[str]:
    return {f.name for f in home.patients_dir.iterdir() if f.name.startswith(".")}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_acknowledged_answers_survive_sigkill_50_times(tmp_path):
    """Each child is killed only once it has acknowledged a few saves (1 to 10, read from its output), so every
    kill tests a save that was said to be done; what it leaves is at most one temp file and one half-made .bak
    link (the one killed save's), which `db check` names and `--repair` removes."""
    home = Home(tmp_path / "home")
    home.add_patient("Crash Test", patient_id="p")
    rng = random.Random(1234)
    next_n = 0
    left: set[str] = set()
    total_acks = 0
    for _ in range(KILLS):
        wanted = rng.randint(1, 10)
        child = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(home.root), str(next_n)], stdout=subprocess.PIPE, bufsize=0
        )
        lines = ChildLines(child)
        try:
            assert lines.wait_for(1)[0] == "ready"
            lines.wait_for(1 + wanted)  # the acknowledgements, not a sleep: it has said `wanted` saves are done
            child.send_signal(signal.SIGKILL)
            acked = [int(line) for line in lines.rest()[1:]]
        finally:
            child.kill()
            child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        assert len(acked) >= wanted and acked == list(range(next_n, next_n + len(acked)))
        total_acks += len(acked)
        record = Home(home.root).load("p")  # loads: never a half-written file
        (session,) = record.sessions
        n = int(session.answer("planning.goals", "values").split()[1])
        assert n in (acked[-1], acked[-1] + 1), (acked[-1], n)  # killed after the save, before the ack
        rating = session.answer("delivery.successful_experiences", "feared_activities")[0]["rating"]
        assert rating in (acked[-1] % 11, (acked[-1] + 1) % 11)
        next_n = n + 1
        new = _hidden(home) - left  # what this kill left: its one temp file, its one .bak link being made
        assert len([name for name in new if TEMP.match(name)]) <= 1, new
        assert new <= {name for name in new if TEMP.match(name)} | {f".p.json.bak.{child.pid}"}, new
        left |= new
    assert total_acks >= KILLS
    assert len(left) <= 2 * KILLS
    assert Home(home.root).patient_ids() == ["p"]  # never read as patient data
    report = check_home(home)  # every one is named, and nothing else is wrong
    assert sorted(report.problems) == sorted(
        f"patients/{name}: left by an interrupted save; it may hold patient data (--repair removes it)" for name in left
    )
    repaired = check_home(home, repair=True)
    assert sorted(repaired.repaired) == sorted(
        [f"patients/{name}: removed (left by an interrupted save)" for name in left] + ["index.json: rebuilt"]
    )
    assert _hidden(home) == set() and check_home(home).clean
