"""User text round-trips through save/load exactly as typed, minus the characters that could act on a terminal."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcoach.consultation import Consultation
from backcoach.store import Home
from backcoach.textclean import clean_text

HOSTILE = ["[bold]x[/]", "[@click=app.quit]", "[link=javascript:x]y[/link]", "<script>alert(1)</script>", "a\x1b[2Jb"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("plain", "plain"),
        ("line one\nline two\ttabbed", "line one\nline two\ttabbed"),
        ("crlf\r\nline", "crlf\nline"),
        ("esc\x1b[2Jclear", "esc[2Jclear"),
        ("bell\x07 nul\x00 del\x7f c1\x9b", "bell nul del c1"),
        ("bidi \u202eevil\u202c \u2066iso\u2069", "bidi evil iso"),
        ("[bold]x[/] <script> [@click=app.quit]", "[bold]x[/] <script> [@click=app.quit]"),
        ("emoji 😀 and Ærø, ١٢٣", "emoji 😀 and Ærø, ١٢٣"),
    ],
)
def test_clean_text_rule(typed, stored):
    assert clean_text(typed) == stored


def _typed_text():
    return st.text(st.characters(codec="utf-8"), max_size=200)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(_typed_text(), st.sampled_from(HOSTILE)))
def test_any_text_round_trips_through_save_and_load(tmp_path_factory, protocol, text):
    home = Home(tmp_path_factory.mktemp("h"))
    home.add_patient("Round Trip", patient_id="rt")
    with Consultation(home, protocol, "rt") as c:
        c.set("planning.goals", "values", text)
        c.set("planning.goals", "goals", [{"text": text, "parts": {"specific": text}}])
    session = home.load("rt").sessions[0]
    expected = clean_text(text).rstrip()  # trailing white space is no part of an answer
    if expected.strip():
        assert session.answer("planning.goals", "values") == expected
        assert session.answer("planning.goals", "goals")[0]["text"] == expected
        assert session.answer("planning.goals", "goals")[0]["parts"] == {"specific": expected}
    else:
        assert session.answers == {}  # nothing but white space: no placeholder is stored
