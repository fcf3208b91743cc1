"""Keys the app promises (in its key bar, a widget's tooltip, the command palette), each checked by what it does
to the screen or to the record, not by the flag it sets."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from textual.color import Color
from textual.widget import Widget

from backcoach.tui.screens.summary import SummaryScreen
from backcoach.tui.widgets.nav import ComponentNav
from backcoach.tui.widgets.scale import TEN_WINDOW, ScaleInput
from tests.tui.clinic import FEB, add_session
from tests.tui.conftest import make_app
from tests.tui.terminal import Terminal
from tests.tui.test_walkthrough import searched
from tests.tui.waiting import at_component, frame, opened, shown, stable, until

# every field of readiness answered but the confidence scale (0–10): the form opens on the scale
READY = {
    ("planning.readiness", "stage"): "preparation",
    ("planning.readiness", "resources"): "r",
    ("planning.readiness", "barriers"): "b",
    ("planning.readiness", "maintenance"): "m",
}


def painted_by(terminal: Terminal, text: str) -> Widget | None:
    """The widget under the first cell where `text` is painted now, or None when it is nowhere on the screen."""
    where = terminal.find(text)
    return None if where is None else terminal.app.screen.get_widget_at(*where)[0]


@pytest.fixture
def scale_clock(monkeypatch):
    """The scale's own clock, moved by the test: "1 then 0 within a second is 10" is a rule about time, and how long a
    loaded machine takes between two keys must not decide it."""
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr("backcoach.tui.widgets.scale.time", SimpleNamespace(monotonic=lambda: clock.now))
    return clock


@pytest.mark.parametrize(("between", "value"), [(0.0, 10), (TEN_WINDOW + 0.5, 0)], ids=["quickly-10", "later-0"])
async def test_one_then_zero_on_a_zero_to_ten_scale_is_ten_when_typed_together(
    clinic, protocol, scale_clock, between, value
):
    add_session(clinic, protocol, "bo", FEB, READY, complete=False)
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(100, 30)) as pilot:
        await at_component(pilot, "planning.readiness")
        scale = app.focused
        assert isinstance(scale, ScaleInput) and (scale.lo, scale.hi) == (0, 10)
        await pilot.press("1")
        await until(pilot, lambda: scale.value == 1, "the 1")
        scale_clock.now += between
        await pilot.press("0")
        await until(pilot, lambda: scale.value != 1, "the 0")
        assert scale.value == value
        await pilot.press("ctrl+q")
    assert clinic.load("bo").open_session.answer("planning.readiness", "confidence") == value


# delivery.problem_solving has no field with guidance of its own: its guidance pane says why the component matters
WHY = "To enable patients to cope"
NAV = "Help patients make"  # component 4 in the list beside the form (component 5 is shown)


async def test_ctrl_t_shows_then_hides_why_each_component_matters_in_the_form(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    terminal = Terminal(app)
    async with app.run_test(size=(80, 24)) as pilot:  # narrow: no guidance pane, which says why too
        screen = await at_component(pilot, "delivery.problem_solving")
        assert WHY in " ".join(screen.current.why)
        await terminal.settled(pilot)
        assert painted_by(terminal, WHY) is None
        await pilot.press("ctrl+t")
        await terminal.settled(pilot)
        shown_by = painted_by(terminal, WHY)
        assert (
            shown_by is not None
            and shown_by.has_class("why")
            and shown_by in screen.query_one("#forms").walk_children()
        )
        await pilot.press("ctrl+t")
        await terminal.settled(pilot)
        assert painted_by(terminal, WHY) is None
        await pilot.press("ctrl+q")


@pytest.mark.parametrize(
    ("size", "guidance_first"),
    [((80, 24), False), ((120, 30), True)],
    ids=["narrow-shows-it-instead-of-the-list", "wide-hides-it"],
)
async def test_ctrl_g_shows_or_hides_the_guidance_pane(clinic, protocol, size, guidance_first):
    app = make_app(clinic, protocol, "bo")
    terminal = Terminal(app)
    async with app.run_test(size=size) as pilot:
        screen = await at_component(pilot, "delivery.problem_solving")
        guidance = screen.query_one("#guidance-text")
        nav = screen.query_one(ComponentNav)

        async def showing() -> tuple[bool, bool]:
            """Whether the guidance pane, and the component list, are on the screen."""
            await terminal.settled(pilot)
            by = painted_by(terminal, WHY), painted_by(terminal, NAV)
            assert by[0] in (None, guidance) and (by[1] is None or by[1] in nav.walk_children(with_self=True))
            return by[0] is not None, by[1] is not None

        wide = size[0] >= screen.WIDE
        assert await showing() == (guidance_first, True)
        await pilot.press("ctrl+g")
        assert await showing() == (not guidance_first, wide)  # narrow: the guidance takes the list's place
        await pilot.press("ctrl+g")
        assert await showing() == (guidance_first, True)
        await pilot.press("ctrl+q")


async def test_the_palette_switches_between_the_dark_and_the_light_theme(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)

        def background() -> Color:
            return screen.styles.background

        assert app.theme == "textual-dark" and background().brightness < 0.5
        for theme, light in [("textual-light", True), ("textual-dark", False)]:
            before = frame(pilot)
            await pilot.press("ctrl+p")
            everything = await searched(pilot, "", {"Switch light/dark theme"})
            await pilot.press(*"light/dark theme")
            assert await searched(pilot, "light/dark theme", everything) == {"Switch light/dark theme"}
            await pilot.press("enter")
            await until(pilot, lambda t=theme: app.screen is screen and app.theme == t, f"the {theme} theme")
            await stable(pilot)
            assert (background().brightness > 0.5) is light and frame(pilot) != before
        await pilot.press("ctrl+q")


async def test_the_summary_pages_down_and_up_and_goes_home(clinic, protocol):
    app = make_app(clinic, protocol)
    terminal = Terminal(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await stable(pilot)  # home, as it opens
        record = clinic.load("ann")
        await app.push_screen(SummaryScreen(record, record.sessions[0]))
        screen = await shown(pilot, SummaryScreen)
        scroll = screen.query_one("#summary")
        page = scroll.scrollable_content_region.height
        assert scroll.has_focus and scroll.scroll_y == 0 and scroll.max_scroll_y > 2 * page

        async def at(y: int) -> tuple[bool, bool]:
            """Scrolled to `y`; whether the summary's first line, and its Planning section, are on the screen."""
            await stable(pilot)
            assert scroll.scroll_y == y
            await terminal.settled(pilot)
            return terminal.find("Consultation summary") is not None, terminal.find("Planning ──") is not None

        assert await at(0) == (True, False)
        await pilot.press("pagedown")
        assert await at(page) == (False, True)
        await pilot.press("pagedown")
        assert (await at(2 * page))[0] is False
        await pilot.press("pageup")
        assert await at(page) == (False, True)
        await pilot.press("home")
        assert await at(0) == (True, False)
        assert app.screen is screen  # Home scrolled; it did not go to the patient list
