"""What the README promises about the terminal, checked on the real command: NO_COLOR is respected (and colour is
shown without it, so the check can fail), and a bug is one line and exit code 1, never a traceback or patient data."""

from __future__ import annotations

import os
import re
import sys

import pytest

from tests.export_data import PATIENT_ID, make_fixture_patient
from tests.helpers import run_backcoach

POSIX_PTY = pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal (pty) stands in for the user's")


def colours(raw: bytes) -> list[str]:
    """The colours the output sets (SGR foreground/background: 8, 16, 256 or 24-bit), in order; bold, dim,
    italic, underline and reverse are not colours."""
    found = []
    for params in re.findall(rb"\x1b\[([0-9;]*)m", raw):
        codes = [int(p) if p else 0 for p in params.decode().split(";")]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code in (38, 48):  # 38;5;N or 38;2;R;G;B
                size = 3 if codes[i + 1 : i + 2] == [5] else 5
                found.append(";".join(map(str, codes[i : i + size])))
                i += size
                continue
            if 30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 97 or 100 <= code <= 107:
                found.append(str(code))
            i += 1
    return found


def test_colours_reads_sgr_sequences():
    assert colours(b"\x1b[1m\x1b[0;7mx\x1b[2;3;4m") == []
    assert colours(b"\x1b[1;31mA\x1b[0;38;5;67m?\x1b[48;2;1;2;3;92m") == ["31", "38;5;67", "48;2;1;2;3", "92"]


def _nothing_to_type(term) -> None:
    pass


def _stop_at_the_first_prompt(term) -> None:
    term.wait_for("Component 1")
    term.type("\x04")  # Ctrl-D


@POSIX_PTY
@pytest.mark.parametrize(
    "args,drive,code,colour",
    [
        (("export", PATIENT_ID, "--handout"), _nothing_to_type, 0, "31"),  # "EMERGENCY …" is red where there is colour
        (("consult", PATIENT_ID, "--plain"), _stop_at_the_first_prompt, 130, "38;5;67"),  # the prompt's "?"
    ],
    ids=["export", "plain"],
)
def test_no_color_removes_every_colour_and_nothing_else(home, protocol, args, drive, code, colour):
    from tests.terminal import Terminal

    make_fixture_patient(home, protocol)  # a handout with every tier of warning sign; a patient to consult
    shown = {}
    for no_color in (False, True):
        term = Terminal(*args, home=home.root, env={"NO_COLOR": "1"} if no_color else {})
        try:
            drive(term)
            assert term.finish() == code, term.text
        finally:
            term.close()
        shown[no_color] = term
    assert colour in colours(shown[False].raw)  # in colour without NO_COLOR, under the same terminal
    assert colours(shown[True].raw) == []
    assert shown[True].text == shown[False].text  # the same words and layout
    assert "\x1b[1m" in shown[True].raw.decode() or "\x1b[0;1m" in shown[True].raw.decode()  # bold is no colour


# --- a bug: one line, exit code 1 ------------------------------------------------------------------------------

BROKEN_VIEW = '''
"""A bug in the patient view: an error nothing expects, its message and its locals holding patient data."""
import backcoach.render.patients as views


def patient_view(record, protocol):
    diagnosis = "".join(reversed("acitaics"))  # only a traceback with locals would show it
    return {diagnosis: record}[record.patient.name]


views.patient_view = patient_view
'''


@pytest.fixture
def broken_view(tmp_path, monkeypatch) -> None:
    """Every backcoach the test runs has a bug in its `patient show` view (a sitecustomize on PYTHONPATH)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BROKEN_VIEW, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])]))


@pytest.mark.usefixtures("broken_view")
def test_an_internal_error_is_one_line_exit_1_without_patient_data(home, monkeypatch):
    home.add_patient("Ann Lee", patient_id="ann", born=1970)
    monkeypatch.delenv("BACKCOACH_DEBUG", raising=False)
    done = run_backcoach("patient", "show", "ann", home=home.root)
    assert done.returncode == 1
    assert done.stderr == "backcoach: internal error (KeyError); set BACKCOACH_DEBUG=1 for details\n"
    assert done.stdout == ""


@pytest.mark.usefixtures("broken_view")
def test_backcoach_debug_shows_the_traceback_but_never_its_locals(home, monkeypatch):
    home.add_patient("Ann Lee", patient_id="ann", born=1970)
    monkeypatch.setenv("BACKCOACH_DEBUG", "1")
    done = run_backcoach("patient", "show", "ann", home=home.root)
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr and "KeyError: 'Ann Lee'" in done.stderr
    assert "patient_view" in done.stderr  # where the bug is
    assert "sciatica" not in done.stderr and "1970" not in done.stderr, done.stderr  # no local variable's value
