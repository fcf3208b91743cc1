"""Pilot walk-throughs of the app against a real home folder: what the clinician does, what ends up on disk."""

from __future__ import annotations

import io

from rich.console import Console
from textual._xterm_parser import XTermParser
from textual.widgets import Button, Input, SelectionList, TextArea

from backcoach.model import goal_states
from backcoach.protocol import Protocol, parse_protocol, seed_file
from backcoach.tui.dialogs.confirm import ConfirmDialog
from backcoach.tui.dialogs.export import ExportDialog
from backcoach.tui.dialogs.new_patient import NewPatientDialog
from backcoach.tui.screens.consult import ConsultScreen
from backcoach.tui.screens.home import HomeScreen
from backcoach.tui.screens.patient import PatientScreen
from backcoach.tui.screens.summary import SummaryScreen
from backcoach.tui.widgets.checklist import ChoiceList
from backcoach.tui.widgets.fields import LineArea
from backcoach.tui.widgets.footer import KeyFooter
from backcoach.tui.widgets.phases import BAR, PhaseTabs
from backcoach.tui.widgets.ratings import RatingListField
from backcoach.tui.widgets.review import ReviewCard
from tests.tui.clinic import FEB, HOSTILE, add_session
from tests.tui.conftest import make_app
from tests.tui.terminal import Terminal, click_text
from tests.tui.waiting import opened, saved, shown, stable, until


def plain(renderable) -> str:
    console = Console(width=100, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()


def retitled(titles: dict[str, str]) -> Protocol:
    """The Table 1 pack with some titles changed, as a clinic translating it might."""
    text = seed_file("protocol", "table1.en.toml").read_text(encoding="utf-8")
    for old, new in titles.items():
        text = text.replace(f'title = "{old}"', f'title = "{new}"')
    return parse_protocol(text, "translated.toml")


def form(app):
    return app.screen.query_one("#forms").visible_content


async def test_new_patient_through_all_three_phases_then_reopen_from_disk(home, protocol):
    app = make_app(home, protocol)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, HomeScreen)
        await pilot.press("ctrl+n")
        await shown(pilot, NewPatientDialog)
        await pilot.press(*"Cy Walker", "enter")
        await shown(pilot, PatientScreen)
        pid = app.screen.patient_id
        await pilot.press("s")
        screen = await opened(pilot)
        # focus contract: a new session starts in Planning's first field
        assert isinstance(app.focused, TextArea) and screen.current.id == "planning.goals"
        await pilot.press(*"Dancing again", "tab", *"Dance at my daughter's wedding")
        await pilot.press("ctrl+n")  # 2: treatment options, a checklist
        assert isinstance(app.focused, SelectionList)
        await pilot.press("space")
        await pilot.press("ctrl+n")  # 3: stage of change
        assert isinstance(app.focused, ChoiceList)
        await pilot.press("enter")
        await pilot.press("ctrl+n", *"Thinks discs slip", "ctrl+n", *"Squats", "ctrl+n")  # 4, 5, then 6
        assert screen.current.id == "delivery.successful_experiences"
        await pilot.press(*"Lifting", "tab", "8")  # a feared activity, rated 8
        await pilot.press("ctrl+n", "space", "ctrl+n")  # 7: a strategy; then 8: goal review
        await pilot.press(*"No earlier goals", "ctrl+n", *"Scans show damage", "ctrl+n")  # 8 notes, 9
        await pilot.press(*"Walk daily")  # 10: active tools
        await pilot.press("ctrl+f")
        await shown(pilot, ConfirmDialog)
        await pilot.press("enter")  # confirm
        await shown(pilot, SummaryScreen)
        assert "Dance at my daughter's wedding" in plain(app.screen.query_one("#summary Static").content)
        await pilot.press("escape")
        await shown(pilot, HomeScreen)

    session = home.load(pid).sessions[0]
    assert session.status == "complete"
    assert session.answer("planning.goals", "values") == "Dancing again"
    assert session.answer("planning.goals", "goals")[0]["text"] == "Dance at my daughter's wedding"
    assert session.answer("planning.shared_decision", "options_discussed") == ["advice"]
    assert session.answer("planning.readiness", "stage") == "precontemplation"
    assert session.answer("delivery.sense_making", "concerns") == "Thinks discs slip"
    rated = session.answer("delivery.successful_experiences", "feared_activities")
    assert [(r["item"], r["rating"]) for r in rated] == [("Lifting", 8)]
    assert session.answer("delivery.pain_emotion_tools", "strategies") == ["distraction"]
    assert session.answer("evaluation.goal_review", "notes") == "No earlier goals"
    assert session.answer("evaluation.action_plan", "active_tools") == "Walk daily"

    # reopen: the completed session, read only, shows what is on disk
    app = make_app(home, protocol)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, HomeScreen)
        app.open_patient(pid)
        await shown(pilot, PatientScreen)
        await pilot.press("enter")
        screen = await opened(pilot)
        assert screen.read_only
        assert form(app).query(TextArea).first().text == "Dancing again"
        assert form(app).query(TextArea).first().is_disabled
        await screen.goto("evaluation.action_plan", focus=False)
        await stable(pilot)
        assert form(app).query(TextArea).first().text == "Walk daily"


async def test_follow_up_evaluates_the_first_sessions_goals(clinic, protocol):
    add_session(clinic, protocol, "ann", FEB, {}, complete=False)
    app = make_app(clinic, protocol, "ann")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        assert screen.session.kind == "follow-up"
        await screen.goto("evaluation.goal_review")
        await stable(pilot)
        cards = list(form(app).query(ReviewCard))
        assert [c.state.goal["text"] for c in cards] == [
            "Walk to the market and back three times a week",
            "I want to be pain free",
        ]
        first = cards[0]
        assert not first.query_one(".prompt").display and first.note.display
        first.query_one("RadioSet.attainment").focus()
        await pilot.press("down", "enter")  # partly
        await stable(pilot)
        assert str(first.query_one(".prompt").render()) == "What went well?"
        await pilot.press("tab", *"Walked twice a week", "tab", "down", "enter")  # note; decision: adjust
        await stable(pilot)
        revised = first.revised
        assert revised.display and revised.value == "Walk to the market and back three times a week"
        revised.focus()
        await pilot.press("end", *" with a friend")
        second = cards[1]
        second.query_one("RadioSet.attainment").focus()
        await pilot.press("down", "down", "enter")  # not at all
        await stable(pilot)
        assert str(second.query_one(".prompt").render()) == "What are the barriers?"
        await pilot.press("ctrl+q")

    record = clinic.load("ann")
    states = {g.id: g for g in goal_states(record, protocol)}
    g1 = states["g1"]
    assert g1.goal["text"] == "Walk to the market and back three times a week with a friend"
    assert g1.goal["parts"]["specific"] == "To the market on foot"  # adjusting keeps the SMART parts
    assert [(e.attainment, e.decision, e.note) for e in g1.history] == [("partly", "adjust", "Walked twice a week")]
    assert g1.history[0].previous_text == "Walk to the market and back three times a week"
    assert states["g2"].history[0].attainment == "not_at_all"


async def test_quitting_mid_component_loses_nothing(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    async with app.run_test() as pilot:
        await opened(pilot)  # the cursor is in the first field
        await pilot.press(*HOSTILE[:-5])  # typed at once, then ctrl+q before the debounce fires
        await pilot.press("ctrl+q")
    assert clinic.load("bo").open_session.answer("planning.goals", "values") == HOSTILE[:-5].strip()


async def test_changes_are_on_disk_within_a_second_without_navigating(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    async with app.run_test() as pilot:
        screen = await opened(pilot)
        await pilot.press(*"Swimming")
        assert screen.autosaver.scheduled_within <= 1.0  # a save is on its way, due within a second of "S"
        await saved(pilot)  # by that timer: nothing navigated
        assert clinic.load("bo").open_session.answer("planning.goals", "values") == "Swimming"
        assert str(app.screen.query_one("#saved").render()) == "Saved 12:34:56"
        await pilot.press("ctrl+q")


async def test_follow_up_prefills_fear_ratings_for_re_rating(clinic, protocol):
    app = make_app(clinic, protocol, "ann")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await screen.goto("delivery.successful_experiences")
        await stable(pilot)
        field = form(app).query_one(RatingListField)
        assert [(r["item"], r["rating"]) for r in field.value] == [
            ("Lifting a shopping bag", 8),
            ("Bending to the floor", 6),
        ]
        assert screen.session.answer("delivery.successful_experiences", "feared_activities") is None
        field.query("ScaleInput").first().focus()
        await pilot.press("left")  # re-rated 7: now the whole list is this session's answer
        await pilot.press("ctrl+q")
    rated = clinic.load("ann").open_session.answer("delivery.successful_experiences", "feared_activities")
    assert [(r["item"], r["rating"]) for r in rated] == [("Lifting a shopping bag", 7), ("Bending to the floor", 6)]


async def test_phase_tabs_change_phase_by_keys_and_by_mouse(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        tabs = screen.query_one(PhaseTabs)
        tabs.focus()
        await pilot.press("right")
        await stable(pilot)
        assert (tabs.active, screen.current.id) == ("delivery", "delivery.sense_making")
        assert app.focused is tabs  # looking around moves no focus into the form
        (_, _, start, _) = next(span for span in tabs.spans() if span[0] == "evaluation")
        await pilot.click(PhaseTabs, offset=(start + 2, 0))
        await stable(pilot)
        assert (tabs.active, screen.current.id) == ("evaluation", "evaluation.goal_review")
        await screen.goto("planning.readiness")
        await stable(pilot)
        assert tabs.active == "planning"  # follows the component shown
        assert "Planning ▱▱▱" in str(tabs.render())


async def test_phase_tabs_too_long_for_the_width_are_shortened_not_wrapped(clinic, protocol):
    long = {t: f"{t} of the consultation with the patient" for t in ("Planning", "Delivery", "Evaluation")}
    app = make_app(clinic, retitled(long), "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        tabs = (await opened(pilot)).query_one(PhaseTabs)
        assert set(tabs.render_line(1).text) == {BAR}  # the second line is the underline, not labels
        assert [phase_id for phase_id, _, _, end in tabs.spans() if end <= 80] == ["planning", "delivery", "evaluation"]
        (_, _, start, _) = tabs.spans()[-1]
        await pilot.click(PhaseTabs, offset=(start + 1, 0))
        await stable(pilot)
        assert app.screen.current.id == "evaluation.goal_review"
        assert "Evaluation of the" in tabs.render_line(0).text


async def test_the_key_bar_follows_focus_and_its_keys_can_be_clicked(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        bar = screen.query_one(KeyFooter)
        assert [key.shown for key in bar.keys] == ["esc", "^b", "^n", "^t", "^g", "^f", "^q"]
        assert str(bar.render()).endswith("▏^p palette ")  # at 80 columns every key shows, the palette's at the end
        why = next(start for start, _, key in bar._spans if key.description == "Why?")
        await pilot.hover(KeyFooter, offset=(why + 1, 0))
        await stable(pilot)
        assert bar.tooltip == "Show or hide why each component matters"
        await pilot.click(KeyFooter, offset=(why + 1, 0))
        await stable(pilot)
        assert screen.has_class("-why")


async def test_the_key_bar_dims_a_key_while_its_action_is_unavailable(clinic, protocol):
    app = make_app(clinic, protocol)
    async with app.run_test(size=(80, 24)) as pilot:
        record = clinic.load("ann")
        await shown(pilot, HomeScreen)
        app.view_session(record, record.sessions[0])  # a completed session, read only: nothing to finish
        await opened(pilot)
        bar = app.screen.query_one(KeyFooter)
        assert not next(key for key in bar.keys if key.key == "ctrl+f").enabled
        await pilot.press("ctrl+f")
        await stable(pilot)
        assert isinstance(app.screen, ConsultScreen)  # no "complete?" question
        assert next(key for key in bar.keys if key.key == "ctrl+q").enabled


async def test_export_on_a_patient_page_takes_the_latest_completed_session_or_says_there_is_none(clinic, protocol):
    add_session(clinic, protocol, "ann", FEB, {}, complete=False)  # newest first: the open follow-up is row 0
    app = make_app(clinic, protocol)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, HomeScreen)
        app.open_patient("ann")
        await shown(pilot, PatientScreen)
        await pilot.press("e")  # the open follow-up is highlighted: the completed initial session is exported
        dialog = await shown(pilot, ExportDialog)
        assert dialog.session.id == clinic.load("ann").sessions[0].id
        assert any("latest completed session, of 2026-01-12" in n.message for n in app._notifications)
        await pilot.press("escape")
        await shown(pilot, PatientScreen)
        app.open_patient("bo")  # no session at all
        await until(pilot, lambda: app.screen.patient_id == "bo", "Bo's page")
        await pilot.press("e")
        # the word on Ann's export is still listed: wait for this one's
        await until(
            pilot, lambda: any(n.message.startswith("Nothing to export yet") for n in app._notifications), "the word"
        )
        await stable(pilot)
        assert isinstance(app.screen, PatientScreen) and app.screen.patient_id == "bo"  # no dialog


async def burst(pilot, typed: str) -> None:
    """Keys as a terminal delivers a fast typist's or a paste's: all queued at once, nothing awaited between."""
    for event in XTermParser().feed(typed):
        pilot.app.post_message(event)
    await stable(pilot)


async def test_keys_typed_ahead_across_tab_land_in_their_own_fields(clinic, protocol):
    app = make_app(clinic, protocol)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, HomeScreen)
        await pilot.press("ctrl+n")
        await shown(pilot, NewPatientDialog)
        await burst(pilot, "Di Ramos\tdi01\t1979")
        assert [i.value for i in app.screen.query(Input)] == ["Di Ramos", "di01", "1979"]
        await burst(pilot, "\x1b[Z\x1b[Z")  # shift+tab twice: back to the name
        assert app.focused.id == "name"


async def test_a_feared_activity_typed_without_its_rating_is_kept(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await screen.goto("delivery.successful_experiences")
        await stable(pilot)
        form(app).query_one(RatingListField).query_one(LineArea).focus()
        await pilot.press(*"Carrying water")
        await pilot.press("ctrl+q")  # before any rating, before the debounce
    rated = clinic.load("bo").open_session.answer("delivery.successful_experiences", "feared_activities")
    assert [(r["item"], r["rating"]) for r in rated] == [("Carrying water", None)]


async def test_patient_open_elsewhere_opens_read_only_and_writes_nothing(clinic, protocol):
    before = clinic.patient_path("ann").read_bytes()
    with clinic.open("ann"):
        app = make_app(clinic, protocol, "ann")
        async with app.run_test() as pilot:
            screen = await opened(pilot)
            assert screen.read_only
            assert "open in another backcoach window" in str(screen.query_one("#read-only").render())
            # Ann's goals form: what matters and motivation, two goals of text and five SMART parts each, and their
            # Remove buttons and Add goal; every one disabled
            controls = {kind: list(form(app).query(kind)) for kind in (TextArea, Input, Button)}
            assert {kind: len(found) for kind, found in controls.items()} == {TextArea: 2, Input: 12, Button: 3}
            assert all(c.is_disabled for found in controls.values() for c in found)
            await pilot.press("ctrl+q")
    assert clinic.patient_path("ann").read_bytes() == before


def as_it_is(app) -> tuple:
    """What a click on inert text must leave as it was: the screens, the focus, the messages, the exit code."""
    return list(app.screen_stack), app.focused, len(app._notifications), app.return_code


async def test_hostile_text_is_shown_literally_and_does_nothing(clinic, protocol):
    clinic.add_patient(HOSTILE, patient_id="evil")
    app = make_app(clinic, protocol)
    terminal = Terminal(app)
    async with app.run_test(size=(120, 30)) as pilot:
        await shown(pilot, HomeScreen)
        await pilot.press(*"evil")
        await stable(pilot)
        table = app.screen.query_one("#patients")
        assert table.row_count == 1
        await pilot.press("enter")
        await shown(pilot, PatientScreen)
        await pilot.press("s")
        screen = await opened(pilot)
        topbar = screen.query_one("#topbar")
        assert HOSTILE.replace("\x1b", "") in str(topbar.render())  # the name as typed, minus the escape character
        await pilot.press(*"[@click=app.quit]x[/]")
        await stable(pilot)
        before = as_it_is(app)
        # on the very cells a live [@click] or [link] would have made clickable: the "q", the "l", a bracket; and
        # the "x" of the answer just typed
        answer = form(app).query(TextArea).first()
        for text, at, widget in [
            ("app.quit]q[/]", len("app.quit]"), topbar),
            ("javascript:x]l", len("javascript:x]"), topbar),
            ("x[/] [@click", len("x[/] "), topbar),
            ("app.quit]x[/]", len("app.quit]"), answer),
        ]:
            assert await click_text(pilot, terminal, text, at) is widget
            await stable(pilot)
            assert app.is_running and as_it_is(app) == before, text
        await pilot.press("ctrl+q")
    assert clinic.load("evil").open_session.answer("planning.goals", "values") == "[@click=app.quit]x[/]"


async def test_looking_at_prefilled_ratings_records_nothing(clinic, protocol):
    app = make_app(clinic, protocol, "ann")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await screen.goto("delivery.successful_experiences")
        await stable(pilot)
        assert not screen.autosaver.pending and screen.autosaver.scheduled_within is None  # no change, no save due
        assert screen.session.answers == {}
        assert str(app.screen.query_one("#saved").render()) != "Saved 12:34:56"
        await pilot.press("ctrl+q")
    assert clinic.load("ann").open_session.answers == {}


async def test_home_filters_as_you_type_and_archives(clinic, protocol):
    app = make_app(clinic, protocol)
    async with app.run_test() as pilot:
        table = (await shown(pilot, HomeScreen)).query_one("#patients")
        assert table.row_count == 2
        await pilot.press(*"newm")
        await stable(pilot)
        assert table.row_count == 1
        await pilot.press("ctrl+r")
        await shown(pilot, ConfirmDialog)
        await pilot.press("enter")  # confirm
        await shown(pilot, HomeScreen)
        await pilot.press("ctrl+u")  # clear the filter
        await stable(pilot)
        assert table.row_count == 1
        await pilot.press("ctrl+q")
    assert clinic.load("bo").patient.archived
    assert not clinic.load("ann").patient.archived


def palette_titles(app) -> list[str]:
    """The titles of the commands the command palette lists (each option: the title, then its help)."""
    from textual.command import CommandList

    listed = app.screen.query_one(CommandList)
    return [str(listed.get_option_at_index(i).prompt).split("\n")[0] for i in range(listed.option_count)]


async def searched(pilot, query: str, among: set[str]) -> set[str]:
    """Until the command palette is up and lists what it found, its search (a worker) done: for no query, every
    command, `among` with them; for a query, exactly the commands of `among` it matches. The titles listed."""
    from textual.command import CommandPalette
    from textual.fuzzy import Matcher

    await shown(pilot, CommandPalette)
    group = CommandPalette._GATHER_COMMANDS_GROUP
    matcher = Matcher(query)
    expected = {title for title in among if matcher.match(title) > 0} if query else among

    def found() -> bool:
        if any(w.group == group and not w.is_finished for w in pilot.app.workers):
            return False
        titles = set(palette_titles(pilot.app))
        return titles == expected if query else expected <= titles

    await until(pilot, found, f"the command palette's search for {query!r}")
    await stable(pilot)
    return set(palette_titles(pilot.app))


def test_literal_shows_control_characters_from_a_hand_edited_file():
    from backcoach.tui.display import literal

    shown = "".join(segment.text for segment in literal("calm\x1b[2Jdown\x9b [bold]x[/]").render_segments())
    assert shown == "calm\u241b[2Jdown<U+009B> [bold]x[/]"


async def test_pack_text_in_the_command_palette_is_shown_literally(clinic, protocol):
    """A clinic's translated pack is data: markup in a phase or component title shows as written and does nothing."""
    title = "[bold]Plan[/] [@click=app.quit]now[/]"
    app = make_app(clinic, retitled({"Planning": title}), "bo")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        ours = {name for name, _, _ in screen.palette_commands()}
        await pilot.press("ctrl+p")
        everything = await searched(pilot, "", ours)  # discovery: the palette lists every command
        assert f"Go to phase: {title}" in everything
        await pilot.press(*"plan")
        found = await searched(pilot, "plan", everything)  # a search highlights what matched, in the same literal text
        assert f"Go to phase: {title}" in found and len(found) < len(everything)


async def test_a_smart_part_prompt_from_the_pack_shows_literally_in_its_tooltip(clinic, protocol):
    from textual.widgets._tooltip import Tooltip

    prompt = protocol.guidance.smart_parts[0].prompt
    text = seed_file("protocol", "table1.en.toml").read_text(encoding="utf-8")
    hostile = parse_protocol(text.replace(prompt, f"[bold]Say[/] [@click=app.quit]what[/] {prompt}"), "translated.toml")
    app = make_app(clinic, hostile, "bo")
    async with app.run_test(size=(100, 30), tooltips=True) as pilot:
        await opened(pilot)
        part = hostile.guidance.smart_parts[0].id
        field = next(i for i in form(app).query(Input) if i.name == part)
        await pilot.hover(field)
        tooltip = app.screen.query_one(Tooltip)
        await until(pilot, lambda: tooltip.display, "the tooltip (it shows after a delay)")
        await stable(pilot)
        text = str(tooltip.render())
        assert text.startswith("[bold]Say[/] [@click=app.quit]what[/]"), text


async def test_a_file_damaged_from_outside_is_not_saved_over_and_says_not_saved(clinic, protocol):
    path = clinic.patients_dir / "bo.json"
    bak = path.with_name("bo.json.bak")
    app = make_app(clinic, protocol, "bo")
    async with app.run_test() as pilot:
        await opened(pilot)
        await pilot.press(*"Swimming")
        await saved(pilot)
        assert str(app.screen.query_one("#saved").render()) == "Saved 12:34:56"
        kept = bak.read_bytes()
        path.write_bytes(b'{"sessions": ')  # another program damages the file
        await pilot.press(*" daily")
        label = app.screen.query_one("#saved")
        await until(pilot, lambda: str(label.render()).startswith("NOT SAVED"), "the save refused")
        status = str(label.render())
        assert status.startswith("NOT SAVED: ") and "changed by another program" in status
        app.exit()
    assert path.read_bytes() == b'{"sessions": ' and bak.read_bytes() == kept
