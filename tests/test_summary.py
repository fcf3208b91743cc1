"""The clinician summary and the handout: golden files, and user text that stays inert in every format."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from backcoach.protocol import builtin_protocol, load_protocol
from backcoach.store import Home
from backcoach.summary import clinician_renderable, clinician_summary, patient_handout, render
from tests.export_data import HOSTILE, make_fixture_patient
from tests.golden_texts import GOLDEN, UPDATE, golden_texts

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def record(home, protocol):
    return make_fixture_patient(home, protocol)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """What backcoach renders now for each golden file (the fixture patient in a home of its own)."""
    protocol = builtin_protocol()
    return golden_texts(make_fixture_patient(Home(tmp_path_factory.mktemp("golden") / "home"), protocol), protocol)


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.iterdir()))
def test_golden_summaries(rendered, name):
    """Compared only: `make golden` rewrites them (never an environment variable, never `make test`)."""
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert rendered[name] == expected, (
        f"tests/golden/{name} is not what backcoach renders now: review the change, then run `{UPDATE}`"
    )


def test_every_golden_file_is_rendered_and_every_rendering_has_one(rendered):
    assert sorted(rendered) == sorted(p.name for p in GOLDEN.iterdir())


def test_make_golden_writes_what_the_tests_compare(tmp_path):
    """The command named in the failure message writes exactly the files compared, byte for byte."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_golden.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    written = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert written == {p.name: p.read_bytes() for p in GOLDEN.iterdir()}
    assert done.stdout.splitlines() == [str(tmp_path / name) for name in sorted(written)]


def test_follow_up_shows_what_changed(record, protocol):
    text = render(clinician_summary(record, record.sessions[1], protocol), "text")
    assert re.search(r"Bending to lift the laundry basket +8 +5 +-3\n", text)
    assert re.search(r"Walk to the market and back +2026-03-02 +Partly +Keep the goal\n", text)
    assert "8 → 5" in text and "6 → 8" in text  # fear and confidence across sessions


def test_handout_is_plain_and_carries_the_plan_forward(record, protocol):
    text = render(patient_handout(record, record.sessions[1], protocol), "text")
    for section in protocol.handout.sections:
        assert section.title in text
    assert "Short walks every day" in text  # agreed in the first session, still the plan
    assert "Hang the washing out" in text and "less pain when I lift" not in text  # the adjusted goal
    assert "Preparation" not in text and "Action" not in text and "Coverage" not in text


def test_a_handout_label_leads_its_answer_on_the_handout_only(record, protocol, tmp_path):
    """A pack's `handout_label` words an answer for the patient ("How often: twice a day"); the summary keeps the
    clinician's label."""
    shipped = Path(__file__).resolve().parents[1] / "backcoach" / "seeds" / "protocol" / "table1.en.toml"
    text = shipped.read_text(encoding="utf-8")
    old = 'label = "The plan we agreed"\n'
    assert text.count(old) == 1
    pack = tmp_path / "pack.toml"
    pack.write_text(text.replace(old, old + 'handout_label = "What we agreed"\n'), encoding="utf-8")
    relabelled = load_protocol(pack)
    handout = render(patient_handout(record, record.sessions[0], relabelled), "text")
    assert re.search(r"What we agreed:? +Short walks every day", handout)
    summary = render(clinician_summary(record, record.sessions[0], relabelled), "text")
    assert "The plan we agreed" in summary and "What we agreed" not in summary


def test_an_exposure_shows_the_fear_before_and_after_it(home, protocol):
    """Review 14 (F14): fear_after names fear_before as its `before`, so the summary shows the change."""
    from backcoach.consultation import Consultation

    comp = "delivery.successful_experiences"
    assert protocol.component(comp).field("fear_after").before == "fear_before"
    home.add_patient("Tom Berg", patient_id="tom")
    with Consultation(home, protocol, "tom") as c:
        c.set(comp, "exposure_activity", "Picking a pen up from the floor, slowly")
        c.set(comp, "expected", "My disc will slip")
        c.set(comp, "fear_before", 9)
        c.set(comp, "fear_after", 6)
        c.set(comp, "what_happened", "It hurt a bit but nothing happened")
        c.complete()
    record = home.load("tom")
    text = " ".join(render(clinician_summary(record, record.sessions[0], protocol), "text").split())
    assert "Fear just after trying it 6 (scale 0–10: 0 no fear … 10 extreme fear) · before → after: 9 → 6 (-3)" in text
    home.add_patient("Una Rated", patient_id="una")
    with Consultation(home, protocol, "una") as c:
        c.set(comp, "fear_after", 6)  # no rating before: nothing to compare
        c.complete()
    record = home.load("una")
    assert "before → after" not in render(clinician_summary(record, record.sessions[0], protocol), "text")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.data = set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.data.append(data)


@pytest.mark.parametrize("build", [clinician_summary, patient_handout])
def test_html_parses_and_user_text_is_inert(record, protocol, build):
    page = render(build(record, record.sessions[0], protocol), "html")
    parser = _Collector()
    parser.feed(page)
    parser.close()
    assert "<script" not in page.lower()
    assert parser.tags <= {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "dl",
                           "dt", "dd", "ul", "li", "span", "section", "table", "thead", "tbody", "tr", "th", "td",
                           "br"}  # fmt: skip
    assert not any("javascript:" in (value or "") or name.startswith("on") for name, value in parser.attrs)
    assert not re.search(r"(src|href)\s*=", page)  # nothing fetched, nothing linked
    assert HOSTILE in "".join(parser.data).replace("\n", "")


def test_markdown_escapes_user_text(record, protocol):
    md = render(clinician_summary(record, record.sessions[0], protocol), "md")
    assert "<script" not in md and "&lt;script&gt;" in md
    assert r"\[link=javascript:x\]" in md and r"\[bold\]" in md
    assert "\n# Not a heading" not in md and r"\# Not a heading" in md


def test_text_and_svg_show_escapes_without_acting(record, protocol):
    text = render(clinician_summary(record, record.sessions[0], protocol), "text")
    assert "\x1b" not in text and "Work ␛[2J␛]8;;javascript:x␇shifts" in text
    svg = render(clinician_summary(record, record.sessions[0], protocol), "svg")
    assert "<script" not in svg and "&lt;script&gt;" in svg and "\x1b" not in svg


def test_rich_renderable_keeps_markup_literal(record, protocol):
    console = Console(width=100, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(clinician_renderable(record, record.sessions[0], protocol))
    shown = console.export_text()
    assert "[bold]loud[/]" in shown and "[@click=app.quit]q" in shown


def test_deidentified_summary(record, protocol):
    doc = clinician_summary(record, record.sessions[1], protocol, deidentify=True)
    text = render(doc, "text")
    assert "Ada" not in text and "1971" not in text and "2026" not in text
    assert "p-fixture" in text and "50–59" in text and "day 28" in text
    handout = render(patient_handout(record, record.sessions[1], protocol, deidentify=True), "md")
    assert "Ada" not in handout and "day 28" in handout


def test_handout_always_lists_every_warning_sign(home, protocol):
    from backcoach.consultation import Consultation
    from backcoach.summary.build import patient_handout

    home.add_patient("No Answers", patient_id="na")
    with Consultation(home, protocol, "na"):
        pass
    record = home.load("na")
    doc = patient_handout(record, record.sessions[0], protocol)
    at = next(i for i, s in enumerate(doc.sections) if s.title == "When to seek help")
    tiers = protocol.guidance.red_flags_by_tier()
    after = doc.sections[at + 1 : at + 1 + len(tiers)]
    assert [s.title for s in after] == [tier.lay_heading for tier, _ in tiers]  # emergency first
    lay = [item.text for s in after for block in s.blocks for item in block.items]
    assert lay == [flag.lay for flag in protocol.guidance.red_flags]


def test_an_activity_named_but_not_rated_is_kept_and_says_so(home, protocol):
    from backcoach.consultation import Consultation

    fears = ("delivery.successful_experiences", "feared_activities")
    home.add_patient("Cy", patient_id="cy")
    with Consultation(home, protocol, "cy") as c:
        c.set(*fears, [{"id": "f1", "item": "Lifting", "rating": 7}, {"id": "f2", "item": "Running", "rating": None}])
        c.complete()
    with Consultation(home, protocol, "cy") as c:  # the follow-up names a new one, not rated yet either
        c.set(*fears, [{"id": "f2", "item": "Running", "rating": 4}, {"id": "f3", "item": "Bending"}])
    record = home.load("cy")
    first, follow_up = record.sessions
    assert first.answer(*fears)[1] == {"id": "f2", "item": "Running", "rating": None}
    assert "Running: not rated" in render(clinician_summary(record, first, protocol), "text")
    text = render(clinician_summary(record, follow_up, protocol), "text")
    assert re.search(r"Running +not rated +4 +—\n", text)
    assert re.search(r"Bending +— +not rated +—\n", text)
