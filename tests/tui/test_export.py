"""Export from the TUI: the dialog writes real files into a real folder, says where, and refuses what it must."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from textual.widgets import Input

from backcoach.tui.dialogs.export import DEFAULT_FOLDER, ExportDialog
from backcoach.tui.screens.patient import PatientScreen
from backcoach.tui.screens.summary import SummaryScreen
from backcoach.tui.widgets.exported import ExportedLine
from backcoach.tui.widgets.footer import KeyFooter
from tests.tui.clinic import FEB, HOSTILE, INITIAL, add_session
from tests.tui.conftest import make_app
from tests.tui.terminal import Terminal, click_text
from tests.tui.test_walkthrough import as_it_is
from tests.tui.waiting import opened, shown, stable, until

GOAL = INITIAL[("planning.goals", "goals")][0]["text"]


async def open_summary(app, pilot, pid: str = "ann") -> SummaryScreen:
    await stable(pilot)  # home, as it opens
    record = app.home.load(pid)
    await app.push_screen(SummaryScreen(record, record.sessions[0]))
    return await shown(pilot, SummaryScreen)


async def finished(pilot, dialog: ExportDialog, *, failed: bool = True) -> None:
    """Until the dialog has written its file and closed (or, if `failed` may be the outcome, shown why not)."""
    app = pilot.app

    def done() -> bool:
        return app.screen is not dialog or (failed and dialog.writing_to is None and dialog.query_one("#error").display)

    await until(pilot, done, "the export")
    await stable(pilot)


async def export(pilot, folder: Path, *keys: str) -> ExportDialog:
    """Open the dialog, press `keys` in the What set (then tab to the Format set), type the folder, press Enter."""
    await pilot.press("e")
    dialog = await shown(pilot, ExportDialog)
    await pilot.press(*keys)
    folder_input = dialog.query_one("#folder", Input)
    folder_input.value = str(folder)
    folder_input.focus()
    await pilot.press("enter")
    await finished(pilot, dialog)
    return dialog


def written(app) -> Path:
    """The path the screen says it exported to."""
    line = app.screen.query_one(ExportedLine)
    assert line.display
    return Path(str(line.render()).removeprefix("Exported: "))


def stored(home) -> dict[Path, bytes]:
    """Every file in the store's own folders (lock files aside), with its content."""
    return {p: p.read_bytes() for d in home.record_folders for p in d.rglob("*") if p.is_file() and p.suffix != ".lock"}


def private_file(path: Path) -> str:
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    return path.read_text(encoding="utf-8")


async def test_summary_screen_exports_the_handout_as_html_and_the_record_as_json(clinic, protocol, tmp_path):
    out = tmp_path / "exports"
    app = make_app(clinic, protocol)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_summary(app, pilot)
        await export(pilot, out)  # the defaults: the patient handout, as html
        assert isinstance(app.screen, SummaryScreen)
        handout = written(app)
        assert handout.parent == out and handout.suffix == ".html"
        assert stat.S_IMODE(out.stat().st_mode) == 0o700  # made for the export: private
        page = private_file(handout)
        assert GOAL in page and "<html" in page
        assert "Coverage" not in page  # the handout, not the clinician summary
        assert app.export_folder == out

        await export(pilot, out, "right", "right", "enter")  # what: the whole record (json is its only format)
        assert written(app).name == "ann.json"
        record = json.loads(private_file(written(app)))
        assert record["format"] == "backcoach.export/1"
        assert record["patient"]["id"] == "ann" and len(record["sessions"]) == 1
        assert sorted(p.name for p in out.iterdir()) == sorted([handout.name, "ann.json"])


async def test_summary_as_markdown_and_an_existing_file_is_never_replaced(clinic, protocol, tmp_path):
    app = make_app(clinic, protocol)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_summary(app, pilot)
        # what: the clinician summary; tab to the formats (it starts on html), one step left: markdown
        await export(pilot, tmp_path, "right", "enter", "tab", "left", "enter")
        first = written(app)
        assert first.suffix == ".md" and "Coverage" in private_file(first)
        first.write_text("the clinician's own edits", encoding="utf-8")
        await export(pilot, tmp_path, "right", "enter", "tab", "left", "enter")
        second = written(app)
        assert second.name == first.name.replace(".md", "-2.md")
        assert first.read_text(encoding="utf-8") == "the clinician's own edits"
        assert GOAL in private_file(second)


@pytest.mark.parametrize(
    "where,message",
    [
        (lambda home, tmp: home.patients_dir, "inside the data folder's records"),
        (lambda home, tmp: home.practice_dir / "sub", "inside the data folder's records"),
        (lambda home, tmp: tmp / "notes.txt", "not a folder"),
        (lambda home, tmp: tmp / "notes.txt" / "sub", "Cannot write to"),
    ],
    ids=["patients", "practice", "a-file", "below-a-file"],
)
async def test_a_folder_that_cannot_take_the_file_is_one_clear_message(clinic, protocol, tmp_path, where, message):
    (tmp_path / "notes.txt").write_text("not a folder", encoding="utf-8")
    folder = where(clinic, tmp_path)
    before = stored(clinic)
    app = make_app(clinic, protocol)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_summary(app, pilot)
        dialog = await export(pilot, folder)
        assert app.screen is dialog  # still open, so the folder can be corrected
        error = str(dialog.query_one("#error").render())
        assert message in error and "\n" not in error.strip()
        assert not app.screen.query_one("#export").disabled
        dialog.query_one("#folder", Input).value = str(tmp_path / "fine")
        dialog.query_one("#export").press()
        await finished(pilot, dialog, failed=False)  # the error shown is the last attempt's
        assert isinstance(app.screen, SummaryScreen)
        assert written(app).parent == tmp_path / "fine"
    assert stored(clinic) == before
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "not a folder"


async def test_hostile_text_stays_inert_in_the_dialog_the_path_and_the_file(clinic, protocol, tmp_path):
    clinic.add_patient(HOSTILE, patient_id="evil")
    goals = [{"id": "g1", "text": HOSTILE, "parts": {"specific": HOSTILE}}]
    add_session(clinic, protocol, "evil", FEB, {("planning.goals", "goals"): goals}, complete=True)
    out = tmp_path / "[bold]x[/] [@click=app.quit]q[/]"
    app = make_app(clinic, protocol)
    terminal = Terminal(app)
    async with app.run_test(size=(200, 30)) as pilot:  # wide enough for the whole path on one line
        await open_summary(app, pilot, "evil")
        await pilot.press("e")
        await shown(pilot, ExportDialog)
        assert HOSTILE.replace("\x1b", "").strip() in str(app.screen.query_one(".title").render())
        await pilot.press("escape")
        summary = await shown(pilot, SummaryScreen)
        await export(pilot, out)
        path = written(app)
        assert path.parent == out  # the folder's name shown as typed
        line, page = summary.query_one(ExportedLine), summary.query_one("#summary Static")
        before = as_it_is(app), str(line.render())
        # on the very cells a live [@click] or [link] would have made clickable, in the path and in the patient's name
        for text, at, widget in [
            ("/[bold]x[/] [@click=app.quit]q[/]/", len("/[bold]x[/] [@click=app.quit]"), line),
            ("/[bold]x[/] [@click", len("/[bold]x[/] "), line),
            ("app.quit]q[/] [link", len("app.quit]"), page),
            ("javascript:x]l", len("javascript:x]"), page),
        ]:
            assert await click_text(pilot, terminal, text, at) is widget
            await stable(pilot)
            assert app.is_running and (as_it_is(app), str(line.render())) == before, text
    page = private_file(path)
    assert "<script" not in page and "javascript:" not in page.replace("[link=javascript:x]", "")
    assert "&lt;script&gt;s&lt;/script&gt;" in page and "[@click=app.quit]" in page and "\x1b" not in page


async def test_patient_screen_exports_a_completed_session_never_the_open_one(clinic, protocol, tmp_path):
    add_session(clinic, protocol, "ann", FEB, {}, complete=False)  # newest first: the open follow-up is row 0
    app = make_app(clinic, protocol)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_patient("ann")
        screen = await shown(pilot, PatientScreen)
        await pilot.press("e")  # on the open follow-up (it can still change): the latest completed session
        await shown(pilot, ExportDialog)
        assert "initial session of 2026-01-12" in str(app.screen.query_one(".title").render())
        await pilot.press("escape")
        await shown(pilot, PatientScreen)
        assert app.screen is screen
        assert "Export…" in [title for title, _, _ in screen.palette_commands()]
        await pilot.press("down")  # the completed initial session itself
        await stable(pilot)
        await pilot.press("e")
        await shown(pilot, ExportDialog)
        assert "initial session of 2026-01-12" in str(app.screen.query_one(".title").render())
        await pilot.press("escape")
        await shown(pilot, PatientScreen)
        await export(pilot, tmp_path, "right", "enter")  # the clinician summary, as html
        page = private_file(written(app))
        assert written(app).suffix == ".html" and GOAL in page and "Coverage" in page
        assert "Exported:" in str(screen.query_one(ExportedLine).render())


def palette_action(screen, title: str):
    return next((run for name, _, run in screen.palette_commands() if name == title), None)


async def test_a_completed_session_viewed_read_only_exports_from_the_palette(clinic, protocol, tmp_path):
    add_session(clinic, protocol, "ann", FEB, {}, complete=False)
    app = make_app(clinic, protocol, "ann")
    async with app.run_test(size=(80, 24)) as pilot:
        first = await opened(pilot)
        assert first.session.is_open
        assert palette_action(first, "Export…") is None  # as on the patient screen: open sessions are not
        first.action_back()
        await shown(pilot, PatientScreen)
        await pilot.press("down", "enter")  # the completed initial session, read only
        screen = await opened(pilot)
        assert screen is not first and screen.read_only and not screen.session.is_open
        assert palette_action(screen, "Complete session") is None  # nothing to complete: Finish is dimmed
        assert not next(key for key in screen.query_one(KeyFooter).keys if key.key == "ctrl+f").enabled
        await pilot.press("ctrl+f")
        assert app.screen is screen
        palette_action(screen, "Export…")()
        dialog = await shown(pilot, ExportDialog)
        assert "initial session of 2026-01-12" in str(dialog.query_one(".title").render())
        dialog.query_one("#folder", Input).value = str(tmp_path / "out")
        await pilot.press("ctrl+s")
        await finished(pilot, dialog)
        assert app.screen is screen
        (path,) = (tmp_path / "out").iterdir()
        assert path.suffix == ".html" and "Walk to the market" in private_file(path)


async def test_the_dialog_offers_an_exports_folder_in_the_current_directory(clinic, protocol, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(clinic, protocol)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_summary(app, pilot)
        await pilot.press("e")
        dialog = await shown(pilot, ExportDialog)
        assert dialog.query_one("#folder", Input).value == str(tmp_path / DEFAULT_FOLDER)
        assert (dialog.chosen("kind"), dialog.chosen("format")) == ("handout", "html")
        assert dialog.query_one("#format").display and not dialog.query_one("#record-format").display
        await pilot.press("right", "right", "enter")
        await stable(pilot)
        assert not dialog.query_one("#format").display and dialog.query_one("#record-format").display
        await pilot.press("left", "enter")  # back to the summary: the format chosen before is kept
        await stable(pilot)
        assert dialog.query_one("#format").display and dialog.chosen("format") == "html"
        await pilot.press("ctrl+s")
        await finished(pilot, dialog)
        assert written(app).parent == tmp_path / DEFAULT_FOLDER


async def test_summary_scrolls_to_its_end_at_80x24(clinic, protocol):
    app = make_app(clinic, protocol)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_summary(app, pilot)
        scroll = screen.query_one("#summary")
        assert scroll.has_focus and scroll.max_scroll_y > 0 and scroll.scroll_y == 0
        await pilot.press("end")
        await stable(pilot)
        assert scroll.scroll_y == scroll.max_scroll_y
