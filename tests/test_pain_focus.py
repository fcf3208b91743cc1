"""Pain-focused goals as people say them (issue 14, section 1): the shipped pack's matcher on a labelled set of
goals, what it says matched, the pack structure's checks, packs before 1.2.0, and sessions stored with them."""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from pathlib import Path

import pytest

from backcoach.errors import PackError
from backcoach.pain_focus import pattern_problem
from backcoach.protocol import PainFocus, load_protocol
from backcoach.summary import clinician_summary, render
from tests.export_data import PATIENT_ID, make_fixture_patient
from tests.helpers import run_backcoach, run_main

DATA = Path(__file__).parent / "data" / "pain_goals.toml"
PACKS = Path(__file__).parent / "packs"
CASES = Path(__file__).resolve().parents[1] / "seeds" / "cases"
SHIPPED = Path(__file__).resolve().parents[1] / "seeds" / "protocol" / "table1.en.toml"
GOLDEN = Path(__file__).parent / "golden"
GOALS = tomllib.loads(DATA.read_text(encoding="utf-8"))["goals"]


def _accuracy(pain_focus: PainFocus, goals: list[dict], label: str) -> tuple[float, list[str], int]:
    """The share of goals with this label the matcher gets right, the ones it gets wrong, and how many there are."""
    chosen = [g for g in goals if g["label"] == label]
    wrong = [g["text"] for g in chosen if bool(pain_focus.flags(g["text"])) != (label == "pain")]
    return 1 - len(wrong) / len(chosen), wrong, len(chosen)


def _report(pain_focus: PainFocus, goals: list[dict], name: str) -> str:
    lines = []
    for label in ("pain", "activity"):
        share, wrong, total = _accuracy(pain_focus, goals, label)
        lines.append(f"{name} {label}: {total - len(wrong)}/{total} right ({share:.0%}); wrong: {wrong or 'none'}")
    report = "\n".join(lines)
    print(report)  # visible with -s or -rA
    return report


def test_the_labelled_set_is_big_enough_and_well_formed():
    for goal in GOALS:
        assert set(goal) <= {"text", "label", "note", "held_out", "round"} and goal["label"] in ("pain", "activity"), (
            goal
        )
    texts = [g["text"].casefold() for g in GOALS]
    assert len(texts) == len(set(texts)), "a goal is in the set twice"
    tuned = [g for g in GOALS if not g.get("held_out")]
    assert sum(g["label"] == "pain" for g in tuned) >= 30 and sum(g["label"] == "activity" for g in tuned) >= 30
    assert len(GOALS) - len(tuned) >= 20


@pytest.mark.parametrize("held_out,least", [(False, 0.95), (True, 0.90)], ids=["labelled", "held_out"])
def test_accuracy_on_each_half_of_the_labelled_set(protocol, held_out, least):
    goals = [g for g in GOALS if bool(g.get("held_out")) == held_out]
    report = _report(protocol.guidance.pain_focus, goals, "held-out" if held_out else "labelled")
    for label in ("pain", "activity"):
        share, _, _ = _accuracy(protocol.guidance.pain_focus, goals, label)
        assert share >= least, report


CASE_QUOTES = [
    ("01_acute_fear.toml", "I want the pain gone"),
    ("02_precontemplation.toml", "To get rid of this pain"),
    ("03_desk_worker_pain_goals.toml", "I want to be pain-free at work"),
    ("03_desk_worker_pain_goals.toml", "My goal is zero pain by the end of the month"),
    ("07_passive_treatment.toml", "The goal is the pain gone and my back back in place"),
]


@pytest.mark.parametrize("case_file,quote", CASE_QUOTES)
def test_the_shipped_cases_pain_goals_in_the_patients_words_are_caught(protocol, case_file, quote):
    assert quote in (CASES / case_file).read_text(encoding="utf-8")  # the patient says it, word for word
    assert protocol.guidance.pain_focus.flags(quote)


@pytest.mark.parametrize(
    "goal,found",
    [
        ("I want the pain gone", ("pain gone",)),
        ("Get rid of my back pain", ("Get rid of my back pain",)),  # the goal's words from cue to pain word
        ("I'd like the pain in my leg to disappear", ("pain … disappear",)),  # far apart: both ends, … between
        ("Be PAIN-FREE at work", ("PAIN-FREE",)),  # as written: case and hyphen kept
        ("VAS under 30 at the next visit", ("VAS under 30",)),  # the number after the cue shown with it
        ("Get my pain down to 3/10 by June", ("pain down to 3/10",)),
        ("No pain, and less stiff in the mornings", ("No pain", "less stiff")),  # each, in the goal's order
        ("No pain or stiffness", ("No pain or stiffness",)),  # not "No pain" again inside it
        ("Walk to the market even if it hurts, and be pain free by June", ("pain free",)),  # one of two mentions
        ("Walk to the market", ()),
        ("", ()),
    ],
)
def test_flags_say_which_words_of_the_goal_matched(protocol, goal, found):
    assert protocol.guidance.pain_focus.flags(goal) == found


@pytest.mark.parametrize(
    "goal,rule",
    [
        ("Cut down on pain medication", "ignore: the words of 'pain medication' are neither pain word nor aim"),
        ("Garden for an hour with my sore lower back", "ignore: 'lower back' is a place, not a reduction"),
        ("The pain won't stop me from dancing", "an aim inside a concession ('stop me') is no aim"),
        ("Reduce the number of days I'm off sick with back pain", "window: 'reduce' is 8 words from 'pain'"),
        ("Garden every weekend even if the pain doesn't go away", "a break word inside a concession cuts nothing"),
        ("Confidence score 7/10 that I can walk to the shop", "a score word counts beside an aim, not a number"),
    ],
)
def test_each_rule_keeps_an_activity_goal_unflagged(protocol, goal, rule):
    assert protocol.guidance.pain_focus.flags(goal) == (), rule


def test_words_are_whole_words_unicode_aware_and_a_part_ends_at_punctuation(protocol):
    pf = protocol.guidance.pain_focus
    assert pf.flags("Paint the fence without help") == ()  # "pain" is not in "paint"
    assert pf.flags("Visit Spain, no stress") == ()
    assert pf.flags("Stop taking painkillers") == ()
    assert pf.flags("Hurt\u00a0less") == ("Hurt\u00a0less",)  # a no-break space separates words too
    assert pf.flags("Pain: gone!") == ("Pain: gone",)  # a colon does not end a part
    assert pf.flags("Pain. Gone walking again") == ()  # a full stop does
    assert pf.flags("No pain\nGarden every day") == ("No pain",)


def test_the_summary_reads_a_goal_and_its_parts_apart(protocol):
    from backcoach.summary.build import _goal_items

    goal = {"text": "Garden every Saturday without fail", "parts": {"achievable": "Some pain expected"}}
    (item,) = _goal_items(protocol, [goal], flags=True)
    assert item.flag == ""  # "without" of the goal and "pain" of a part are not one pain-focused phrase


def test_the_hint_names_what_matched_and_a_pack_words_it(protocol):
    pf = protocol.guidance.pain_focus
    message = pf.message(pf.flags("I want the pain in my back gone for good"))
    assert message == f'This goal is about pain: "pain … gone". {pf.hint}'
    assert pf.message(()) == pf.hint
    older = dataclasses.replace(pf, matched="({found})")  # the default of a pack without `matched`
    assert older.message(("less pain", "no pain")) == f'("less pain", "no pain") {pf.hint}'


def test_a_translated_pack_fills_the_same_keys():
    """A Portuguese clinic's lists: stems with *, accents optional, its own concessions and breaks."""
    pf = PainFocus(
        hint="Este objetivo é sobre dor.",
        source="s",
        pain_words=("dor", "dores", "dolorid*", "rigidez"),
        aims=("sem", "menos", "acabar com", "livre de", "nenhuma", "não ter"),
        concessions=("mesmo que", "mesmo com", "apesar d*"),
        breaks=("quando",),
        numeric=("# / #",),
    )
    assert pf.flags("Caminhar até ao trabalho sem dor") == ("sem dor",)
    assert pf.flags("Acabar com as dores nas costas") == ("Acabar com as dores",)
    assert pf.flags("Menos rigidez de manhã") == ("Menos rigidez",)
    assert pf.flags("Não ter dor ao acordar") == ("Não ter dor",)
    assert pf.flags("Nao ter dor ao acordar") == ("Nao ter dor",)  # typed without the accent of "não"
    assert pf.flags("Dor 2/10 em junho") == ("Dor 2/10",)
    assert pf.flags("Jardinar uma hora mesmo com alguma dor") == ()
    assert pf.flags("Brincar com os netos apesar das dores") == ()
    assert pf.flags("Deitar-me menos quando estou dolorida") == ()


def _pack_with(old: str, new: str) -> str:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


# (text replaced in the shipped pack, the error it must give: a pattern, as list indexes move when the lists grow)
BAD_PACKS = {
    "a comma in an aim": (('"gone", ', '"gone, away", '), r"aims\[\d+\]: 'gone, away': ',' ends a part of a goal"),
    "a raw regular expression": (
        ('"spasm*", ', '"spasm(s)?", '),
        r"pain_words\[\d+\]: 'spasm\(s\)\?': '\?' ends a part of a goal",
    ),
    "a character goals are not matched on": (('"vas", ', '"v@s", '), r"score_words\[\d+\]: 'v@s': '@' is not matched"),
    "a number sign outside numeric": (('"zero", ', '"# pain", '), r"aims\[\d+\]: '# pain': # \(a number\) belongs in"),
    "a numeric entry without a number": (
        ('"# / #", ', '"out of ten", '),
        r"numeric\[0\]: 'out of ten': a numeric entry",
    ),
    "a word of stars": (
        ('"in spite of", ', '"**", '),
        r"concessions\[\d+\]: '\*\*': '\*' alone would match every word",
    ),
    "an empty entry": (('"when", ', '"  ", '), r"breaks\[0\]: expected non-empty text"),
    "a window too wide": (("window = 5", "window = 50"), r"pain_focus\.window: 50 is out of range; expected 0 to 12"),
    "matched without {found}": (
        ('matched = "This goal is about pain: {found}."', 'matched = "About pain."'),
        r"pain_focus\.matched: must hold \{found\} once",
    ),
    "an unknown key": (("window = 5", "windw = 5"), r"guidance\.pain_focus\.windw: unknown key"),
}


@pytest.mark.parametrize("kind", sorted(BAD_PACKS))
def test_a_broken_pain_focus_is_one_line_naming_the_key(kind, tmp_path):
    (old, new), says = BAD_PACKS[kind]
    pack = tmp_path / "pack.toml"
    pack.write_text(_pack_with(old, new), encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_protocol(pack)
    message = str(info.value)
    assert message.startswith(f"{pack}: guidance.pain_focus.") and "\n" not in message, message
    assert re.search(says, message), message


def test_a_pack_needs_aims_with_its_pain_words(tmp_path):
    pack = tmp_path / "pack.toml"
    start = SHIPPED.read_text(encoding="utf-8").index("\naims = [")
    text = SHIPPED.read_text(encoding="utf-8")
    pack.write_text(text[:start] + text[text.index("]\n", start) + 1 :], encoding="utf-8")
    done = run_backcoach("protocol", "check", str(pack), home=tmp_path)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert (
        "guidance.pain_focus.aims: missing (a pack needs pain_words and aims, or phrases, or all three)" in done.stderr
    )


def test_every_entry_of_the_shipped_pack_could_match(protocol):
    pf = protocol.guidance.pain_focus
    for key in ("pain_words", "score_words", "aims", "concessions", "breaks", "ignore"):
        for entry in getattr(pf, key):
            assert pattern_problem(entry) == "", (key, entry)
    assert all(pattern_problem(e, numeric=True) == "" for e in pf.numeric)


def test_a_pack_before_1_2_0_with_fixed_phrases_still_loads_and_flags():
    """tests/packs/minimal.toml has only `phrases = ["less pain"]`, as every pack before 1.2.0 did."""
    pf = load_protocol(PACKS / "minimal.toml").guidance.pain_focus
    assert pf.phrases == ("less pain",) and pf.aims == ()
    assert pf.flags("I want LESS pain at work") == ("LESS pain",)
    assert pf.flags("Less painkillers") == ()  # whole words now: the substring check flagged this
    assert pf.message(("less pain",)) == '("less pain") h'


def test_the_pack_structure_is_in_protocol_show_json(tmp_path):
    shown = run_backcoach("protocol", "show", "--json", home=tmp_path)
    pain = json.loads(shown.stdout)["guidance"]["pain_focus"]
    assert {"pain_words", "aims", "concessions", "numeric", "window", "matched"} <= set(pain)
    assert json.loads(shown.stdout)["version"] == "1.2.0"


def test_sessions_stored_with_pack_1_1_0_open_and_export_unchanged(home, protocol, monkeypatch, capsys):
    """A session keeps the version of the pack it was written with; the summary shows it, nothing else moves."""
    make_fixture_patient(home, dataclasses.replace(protocol, version="1.1.0"))
    record = home.load(PATIENT_ID)
    assert {s.protocol_version for s in record.sessions} == {"1.1.0"}
    for session, name in zip(record.sessions, ("summary-initial.txt", "summary-follow-up.txt"), strict=True):
        # the golden summary (its "pain-focused" flag too) but for the version the session was written with
        golden = (GOLDEN / name).read_text(encoding="utf-8").replace("table1 1.2.0", "table1 1.1.0")
        assert render(clinician_summary(record, session, protocol), "text") == golden
    code, out, _ = run_main(monkeypatch, capsys, "--home", str(home.root), "export", PATIENT_ID, "--format", "json")
    assert code == 0
    exported = json.loads(out)
    assert [s["protocol_version"] for s in exported["sessions"]] == ["1.1.0", "1.1.0"]
    stored = json.loads((home.patients_dir / f"{PATIENT_ID}.json").read_text(encoding="utf-8"))
    assert [s["answers"] for s in exported["sessions"]] == [s["answers"] for s in stored["sessions"].values()]
