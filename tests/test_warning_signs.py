"""The warning signs: urgency tiers from the pack, the patient's words on the handout, sources, and old ids mapped
forward wherever a stored session is shown or leaves backcoach."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from rich.console import Console

from backcoach.consultation import Consultation
from backcoach.plain.show import answer_lines, plain_console, warning_sign_lines
from backcoach.protocol import load_protocol
from backcoach.store import Home
from backcoach.summary import clinician_summary, handout_renderable, patient_handout, render
from backcoach.transfer import dumps, export_record, import_record, parse_export
from backcoach.tui.widgets.guidance import guidance_for

ACTION_PLAN = ("evaluation.action_plan", "red_flags_reviewed")
EMERGENCY_HEADING = "EMERGENCY: go to a hospital emergency department now"
OLD_IDS = (  # the warning signs of pack 1.0.0 before the rework
    "bladder", "bowel", "saddle_numbness", "sexual_function", "leg_weakness",
    "fever", "cancer_signs", "night_pain", "trauma", "morning_stiffness",
)  # fmt: skip
# Words a patient should not have to know; "cauda equina" is for the clinician only.
JARGON = (
    "cauda equina", "radicul", "metasta", "mscc", "saddle", "anaesthesia", "paraesthesia", "inflammatory",
    "osteoporosis", "immunosupp", "thoracic", "neurolog", "bilateral", "vertebra", "spondyl", "perine",
    "perianal", "urinary", "incontinence", "corticosteroid", "unremitting", "rigors", "syndrome",
)  # fmt: skip


def _tier_of(protocol, flag_id: str) -> str:
    return next(f.tier for f in protocol.guidance.red_flags if f.id == flag_id)


# --- the pack -----------------------------------------------------------------------------------------------


def test_tiers_most_urgent_first_and_every_sign_in_one(protocol):
    g = protocol.guidance
    assert [t.id for t in g.red_flag_tiers] == ["emergency", "urgent", "soon"]
    order = [t.id for t in g.red_flag_tiers]
    assert [order.index(f.tier) for f in g.red_flags] == sorted(order.index(f.tier) for f in g.red_flags)
    assert 15 <= len(g.red_flags) <= 22  # scannable in a consultation
    for tier in g.red_flag_tiers:
        assert tier.marker.isupper() and tier.action and tier.lay_heading.startswith(tier.marker)


def test_every_sign_has_lay_text_and_a_named_dated_source(protocol):
    for flag in protocol.guidance.red_flags:
        assert flag.label and flag.detail and flag.lay, flag.id
        assert len(flag.label) <= 60, flag.id  # one line of the checklist, to scan in a consultation
        assert flag.sources, flag.id
        assert any(re.fullmatch(r"\d{4}(, updated \d{4})?", s.year) for s in flag.sources), flag.id  # one dated
        for source in flag.sources:
            assert source.name and source.url.startswith("https://"), (flag.id, source.id)


def test_urgency_is_never_understated(protocol):
    """The floor for each kind of sign, as the sources set it (GIRFT 2023, NICE NG234, CKS)."""
    emergency = {
        "bladder", "bowel", "saddle_numbness", "sexual_function", "bilateral_leg_symptoms",  # cauda equina
        "progressive_weakness", "cancer_neuro", "fever", "major_trauma", "aortic_aneurysm",  # AAA: NICE NG156
        "aortic_dissection",  # ACC/AHA 2022
    }  # fmt: skip
    urgent = {"cancer_history", "weight_loss", "infection_risk", "fragility_fracture", "night_pain"}
    for flag_id in emergency:
        assert _tier_of(protocol, flag_id) == "emergency", flag_id
    for flag_id in urgent:
        assert _tier_of(protocol, flag_id) in ("emergency", "urgent"), flag_id


def test_lay_texts_have_no_jargon_and_cauda_equina_is_for_the_clinician_only(protocol):
    g = protocol.guidance
    lay = [f.lay for f in g.red_flags] + [t.lay_heading for t in g.red_flag_tiers]
    lay += [t.lay_action for t in g.red_flag_tiers]
    for text in lay:
        assert not [w for w in JARGON if w in text.casefold()], text
        assert max(len(w) for w in re.findall(r"[A-Za-z]+", text)) <= 12, text  # short words
    clinician = " ".join([f.label + f.detail for f in g.red_flags] + [t.action for t in g.red_flag_tiers])
    assert "cauda equina" in clinician.casefold()


def test_every_old_id_is_kept_or_moved(protocol):
    g = protocol.guidance
    current = {f.id for f in g.red_flags}
    for old in OLD_IDS:
        assert old in current or old in g.red_flags_moved, old
        assert not (old in current and old in g.red_flags_moved), old
    # an old id maps only to the new signs its label fully asked about: a sign shown as gone through must have been
    assert g.red_flags_moved["cancer_signs"] == ("cancer_history", "weight_loss")
    assert g.red_flags_moved["trauma"] == ("major_trauma",)  # it asked about fragile bones, not the fracture's signs
    assert g.red_flags_moved["leg_weakness"] == ("progressive_weakness",)  # it never asked about pain in both legs


def test_lay_texts_name_no_country_s_services(protocol):
    """Clinicians use backcoach worldwide: the patient's words say what to do, not which country's service to call."""
    g = protocol.guidance
    lay = (
        [f.lay for f in g.red_flags]
        + [t.lay_heading for t in g.red_flag_tiers]
        + [t.lay_action for t in g.red_flag_tiers]
    )
    for text in lay:
        assert not re.search(r"A&E|\b(999|911|112|111|NHS|GP)\b|surgery", text), text
    emergency = g.red_flag_tiers[0]
    assert "emergency department" in emergency.lay_heading and "local emergency number" in emergency.lay_action


def test_checklist_options_lead_with_the_tier_marker(protocol):
    spec = protocol.component(ACTION_PLAN[0]).field(ACTION_PLAN[1])
    options = protocol.options(spec)
    assert [o.id for o in options] == [f.id for f in protocol.guidance.red_flags]
    first = protocol.guidance.red_flags[0]
    assert options[0].label == f"EMERGENCY · {first.label}"


# --- every output, tier by tier -----------------------------------------------------------------------------


@pytest.fixture
def answered(home, protocol):
    home.add_patient("Rae Ward", patient_id="rae")
    with Consultation(home, protocol, "rae") as c:
        c.set(*ACTION_PLAN, ["night_pain", "bladder"])
        c.complete()
    return home.load("rae")


def _positions(text: str, needles: list[str]) -> list[int]:
    flat = " ".join(text.split())
    return [flat.index(" ".join(n.split())) for n in needles]


@pytest.mark.parametrize("fmt", ["text", "md", "html", "svg", "rich"])
def test_handout_lists_every_sign_by_tier_emergency_first_in_every_format(answered, protocol, fmt):
    session = answered.sessions[0]
    if fmt == "rich":
        console = Console(width=100, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(handout_renderable(answered, session, protocol))
        out = console.export_text()
    else:
        out = render(patient_handout(answered, session, protocol), fmt)
    if fmt in ("md", "html", "svg"):
        out = out.replace("&amp;", "&").replace("&#x27;", "'").replace("&#39;", "'")
    if fmt == "svg":  # one <text> per run of characters: the words are there, spaces as &#160;
        out = re.sub(r"<[^>]+>", "", out.replace("&#160;", " "))
    g = protocol.guidance
    headings = [t.lay_heading for t, _ in g.red_flags_by_tier()]
    if fmt != "svg":
        assert _positions(out, headings) == sorted(_positions(out, headings))
        first_sign_of_each = [flags[0].lay for _, flags in g.red_flags_by_tier()]
        assert _positions(out, first_sign_of_each) == sorted(_positions(out, first_sign_of_each))
        assert _positions(out, headings)[0] < _positions(out, first_sign_of_each)[0]
        for flag in g.red_flags:  # every sign goes home, gone through or not
            assert " ".join(flag.lay.split()) in " ".join(out.split()), flag.id
    else:
        assert "EMERGENCY" in out and out.index("EMERGENCY") < out.index("URGENT") < out.index("SOON")
    assert "cauda equina" not in out.casefold()
    assert not any(f.label in out or f.detail in out for f in g.red_flags)  # the clinician's words stay off it
    if fmt == "html":
        page = render(patient_handout(answered, session, protocol), fmt)
        assert f'<h3 class="alert">{EMERGENCY_HEADING}</h3>' in page  # red, with a bar beside it
        assert "<h3>URGENT: see a doctor within 24 hours</h3>" in page
    if fmt == "rich":  # drawn in red where there is colour (the SVG is drawn from the same renderable)
        console = Console(width=100, file=open(os.devnull, "w"), color_system="truecolor")  # noqa: SIM115
        segments = list(console.render(handout_renderable(answered, session, protocol)))
        heading = next(s for s in segments if s.text.startswith(EMERGENCY_HEADING))
        urgent = next(s for s in segments if s.text.startswith("URGENT: see a doctor"))
        assert heading.style.color.name == "red" and heading.style.bold
        assert urgent.style.color is None and urgent.style.bold
    if fmt == "md":
        assert f"### {EMERGENCY_HEADING}" in render(patient_handout(answered, session, protocol), fmt)


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_summary_groups_what_was_gone_through_by_tier(answered, protocol, fmt):
    out = " ".join(render(clinician_summary(answered, answered.sessions[0], protocol), fmt).split())
    out = out.replace("&amp;", "&")
    g = protocol.guidance
    emergency, urgent, soon = (f"{t.marker} – {t.label}" for t in g.red_flag_tiers)
    assert out.index(emergency) < out.index(urgent) < out.index(soon)
    bladder = next(f.label for f in g.red_flags if f.id == "bladder")
    night = next(f.label for f in g.red_flags if f.id == "night_pain")
    assert out.index(emergency) < out.index(bladder) < out.index(urgent) < out.index(night) < out.index(soon)
    assert "1 of 11 gone through" in out and "1 of 5 gone through" in out and "0 of 3 gone through" in out


def test_guidance_pane_shows_each_tier_and_what_to_do(answered, protocol):
    session = answered.sessions[0]
    shown = guidance_for(protocol, protocol.component(ACTION_PLAN[0]), session).plain
    g = protocol.guidance
    for tier, flags in g.red_flags_by_tier():
        assert tier.marker in shown and tier.action in shown
        assert shown.index(tier.action) < shown.index(flags[0].label)
    assert "✓ " + next(f.label for f in g.red_flags if f.id == "bladder") in shown
    assert all(f.detail in shown for f in g.red_flags)
    assert "• " + next(f.label for f in g.red_flags if f.id == "bowel") in shown
    for source in g.red_flag_sources():
        assert source.url in shown


def test_guidance_pane_shows_each_key_message_and_strategy_with_its_source(answered, protocol):
    session = answered.sessions[0]
    for comp in protocol.components:
        for spec in comp.fields:
            if spec.options_from in ("key_messages", "strategies"):
                shown = guidance_for(protocol, comp, session).plain
                for option in protocol.options(spec):
                    assert option.source and f"{option.label}\n{option.text}\n  {option.source}" in shown, option.id


def test_plain_mode_shows_each_tier_and_what_to_do(protocol):
    console = plain_console(width=1000, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(warning_sign_lines(protocol))
    shown = console.export_text()
    for tier, flags in protocol.guidance.red_flags_by_tier():
        assert f"{tier.marker}: {tier.label}\n  What to do: {tier.action}" in shown
        assert all(f"  - {f.label}: {f.detail}" in shown for f in flags)
    spec = protocol.component(ACTION_PLAN[0]).field(ACTION_PLAN[1])
    assert answer_lines(protocol, spec, ["night_pain"], {})[0].startswith("URGENT · ")


# --- sessions saved with the ids of the earlier pack ------------------------------------------------------


@pytest.fixture
def old_session(home, protocol):
    """A session stored before the rework: its checklist holds the old ids, as they are on disk."""
    home.add_patient("Old Timer", patient_id="old")
    with Consultation(home, protocol, "old") as c:
        c.session.answers["evaluation.action_plan"] = {"red_flags_reviewed": ["trauma", "cancer_signs", "leg_weakness"]}
        c.complete()
    stored = home.load("old")
    assert stored.sessions[0].answer(*ACTION_PLAN) == ["trauma", "cancer_signs", "leg_weakness"]  # as written
    return stored


NEW_IDS = ["progressive_weakness", "major_trauma", "cancer_history", "weight_loss"]


def _in_pack_order(protocol, ids):
    return [f.id for f in protocol.guidance.red_flags if f.id in ids]


def test_old_ids_show_as_the_new_signs_in_the_summary(old_session, protocol):
    text = " ".join(render(clinician_summary(old_session, old_session.sessions[0], protocol), "text").split())
    for flag in protocol.guidance.red_flags:
        assert (" ".join(flag.label.split()) in text) == (flag.id in NEW_IDS), flag.id
    assert not re.search(r"\b(cancer_signs|leg_weakness|trauma)\b", text.replace("Major trauma", ""))  # no bare ids
    assert "2 of 11 gone through" in text and "2 of 5 gone through" in text


def test_old_ids_export_as_the_new_ones_and_come_back_the_same(old_session, protocol, tmp_path):
    exported = export_record(old_session, protocol=protocol)
    assert exported["sessions"][0]["answers"]["evaluation.action_plan"]["red_flags_reviewed"] == _in_pack_order(
        protocol, NEW_IDS
    )
    assert export_record(old_session)["sessions"][0]["answers"]["evaluation.action_plan"]["red_flags_reviewed"] == [
        "trauma", "cancer_signs", "leg_weakness"]  # without the pack: exactly as stored  # fmt: skip
    text = dumps(exported)
    # into a new home: stored with the new ids, and exported again byte for byte
    other = Home(tmp_path / "other")
    import_record(other, parse_export(json.loads(text), protocol), protocol=protocol)
    assert other.load("old").sessions[0].answer(*ACTION_PLAN) == _in_pack_order(protocol, NEW_IDS)
    assert dumps(export_record(other.load("old"), protocol=protocol)) == text
    # an old export (old ids) imports as the new ids too
    raw = dumps(export_record(old_session))
    third = Home(tmp_path / "third")
    import_record(third, parse_export(json.loads(raw), protocol), protocol=protocol)
    assert third.load("old").sessions[0].answer(*ACTION_PLAN) == _in_pack_order(protocol, NEW_IDS)


def test_reimporting_into_the_home_with_old_ids_changes_nothing(home, old_session, protocol):
    text = dumps(export_record(home.load("old"), protocol=protocol))
    outcome = import_record(home, parse_export(json.loads(text), protocol), protocol=protocol)
    assert (outcome.added, outcome.replaced, outcome.unchanged) == (0, 0, 1)


def test_a_consultation_and_a_read_only_view_tick_the_new_signs(home, old_session, protocol):
    with Consultation(home, protocol, "old", session_id=old_session.sessions[0].id) as c:
        assert c.session.answer(*ACTION_PLAN) == _in_pack_order(protocol, NEW_IDS)
    view = Consultation.view(home.load("old"), protocol, home.load("old").sessions[0])
    assert view.session.answer(*ACTION_PLAN) == _in_pack_order(protocol, NEW_IDS)
    spec = protocol.component(ACTION_PLAN[0]).field(ACTION_PLAN[1])
    shown = answer_lines(protocol, spec, view.session.answer(*ACTION_PLAN), {})
    assert shown[0].startswith("EMERGENCY · ") and not any("cancer_signs" in line for line in shown)


def test_a_case_pack_written_with_old_ids_reads_them_as_the_new_ones(protocol):
    from backcoach.practice.cases import CASES_DIR, parse_case
    from backcoach.protocol import seed_file

    text = (
        seed_file(CASES_DIR, "01_acute_fear.toml")
        .read_text(encoding="utf-8")
        .replace('"saddle_numbness", "bilateral_leg_symptoms"]', '"saddle_numbness", "leg_weakness"]')
    )
    assert '"leg_weakness"]' in text
    case = parse_case(text, "old_case.toml", protocol)
    item = next(i for i in case.rubric if i.field == "red_flags_reviewed")
    assert "progressive_weakness" in item.all_of and "leg_weakness" not in item.all_of
    assert "bilateral_leg_symptoms" not in item.all_of  # the old sign did not ask about pain in both legs


# --- pack text stays literal ----------------------------------------------------------------------------------


HOSTILE = "[bold]x[/] <script>alert(1)</script> [@click=app.quit]q"


@pytest.fixture
def hostile_pack(tmp_path):
    text = (Path(__file__).parent / "packs" / "minimal.toml").read_text(encoding="utf-8")
    text = text.replace('lay_heading = "H"', f'lay_heading = "{HOSTILE} heading"')
    text = text.replace('lay = "R lay"', f'lay = "{HOSTILE} lay"').replace('label = "R"', f'label = "{HOSTILE} R"')
    text = text.replace('marker = "NOW"', 'marker = "[red]NOW[/]"')
    text = text.replace(
        'handout = "goals"\n',
        'handout = "goals"\n\n[[phases.components.fields]]\nid = "signs"\ntype = "multi"\nlabel = "Signs"\n'
        'options_from = "red_flags"\nhandout = "goals"\n',
    )
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return load_protocol(path)


def test_hostile_pack_text_stays_literal(home, hostile_pack):
    home.add_patient("Hal", patient_id="hal")
    record = home.load("hal")
    from backcoach.model import PatientRecord

    record = PatientRecord(record.patient)
    session = record.new_session(hostile_pack)
    html = render(patient_handout(record, session, hostile_pack), "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    md = render(patient_handout(record, session, hostile_pack), "md")
    assert "<script>" not in md and r"\[bold\]" in md
    assert f"{HOSTILE} heading" in render(patient_handout(record, session, hostile_pack), "text")
    shown = guidance_for(hostile_pack, hostile_pack.components[0], session).plain
    assert "[red]NOW[/]" in shown and f"{HOSTILE} R" in shown
    console = plain_console(width=400, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(warning_sign_lines(hostile_pack))
    printed = console.export_text()
    assert "[red]NOW[/]: Now" in printed and f"{HOSTILE} R" in printed


def test_signs_a_clinical_review_found_missing_or_understated(protocol):
    """Review 14 (F4–F9, F11): what each sign must not leave out."""
    flags = {f.id: f for f in protocol.guidance.red_flags}
    assert flags["aortic_dissection"].tier == "emergency" and "tearing" in flags["aortic_dissection"].lay
    assert "cannot pee at all" in flags["bladder"].lay  # complete retention, the late sign
    assert "painkillers" in flags["bladder"].detail and "whatever medicine" in flags["bowel"].detail
    assert "not a reason to wait" in flags["sexual_function"].detail
    assert all(w in flags["infection_risk"].detail for w in ("diabetes", "tuberculosis", "procedure"))
    assert "spinal_infection_review" in {s.id for s in flags["infection_risk"].sources}
    assert "night" in flags["weight_loss"].lay
    assert "epidural haematoma" in flags["progressive_weakness"].detail
    assert "new bout" in flags["no_improvement"].lay  # not printed as true for years of pain
