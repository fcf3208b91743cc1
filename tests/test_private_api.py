"""The private API of Typer and Textual that backcoach relies on: each name, signature and behaviour, in one place.

Each private name is used in one adapter module only (ADAPTERS below; checked here too). A Typer or Textual upgrade
that renames, re-signs or changes one of them fails a test here that names it, instead of breaking `backcoach`
at run time, or, for an overridden hook, silently no longer calling our override (Textual's traceback with
local variables would be back, a checklist's ticks would sit beside the wrong items).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
import typer

import backcoach

ROOT = Path(backcoach.__file__).parent

# adapter module → the private names only it may use (checked by the last test)
ADAPTERS = {
    "typer_private.py": ["typer._click", "typer.core", "typer.main", "typer.models", "registered_commands",
                         "registered_groups", "pretty_exceptions_short", "suggest_commands"],
    "tui/widgets/checklist.py": ["_toggle_button", "_get_left_gutter_width", "_update_lines", "_lines", "_line_cache",
                                 "_option_render_cache"],
    "tui/crash.py": ["_handle_exception", "_fatal_error", "_return_code"],
    "tui/widgets/keys.py": ["_bindings"],
    "tui/widgets/textarea.py": ["_size_updated", "_rewrap_and_refresh_virtual_size", "_on_key", "_on_paste"],
}  # fmt: skip


def binds(function, *args, **kwargs) -> bool:
    """Whether a call with these arguments fits `function`'s signature (its other parameters have defaults)."""
    try:
        inspect.signature(function).bind(*args, **kwargs)
    except TypeError:
        return False
    return True


def params(function) -> list[str]:
    return list(inspect.signature(function).parameters)


# --- Typer (backcoach/typer_private.py) ---------------------------------------------------------------------------
def tiny_app() -> typer.Typer:
    app = typer.Typer(rich_markup_mode=None)

    @app.command("hello")
    def hello(name: str, loud: bool = typer.Option(False, "--loud")) -> None:
        """Say hello."""
        typer.echo(f"hello {name.upper() if loud else name}")

    sub = typer.Typer(help="A group.")

    @sub.command("one")
    def one() -> None:
        typer.echo("one")

    @sub.command("two")
    def two() -> None:
        typer.echo("two")

    app.add_typer(sub, name="group")
    return app


def test_typer_still_has_the_private_modules_and_names_the_adapter_imports():
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
    from typer.core import TyperGroup
    from typer.main import get_command_from_info, get_group_from_info
    from typer.models import CommandInfo, TyperInfo

    assert issubclass(NoArgsIsHelpError, UsageError), "a group run without a command must still show its help"
    assert params(UsageError.__init__)[:3] == ["self", "message", "ctx"], "cli.OneLineUsageError passes (message, ctx)"
    assert callable(UsageError.format_message) and callable(UsageError.show)
    assert params(get_command_from_info) == ["command_info", "pretty_exceptions_short", "rich_markup_mode"]
    assert params(get_group_from_info) == [
        "group_info",
        "pretty_exceptions_short",
        "suggest_commands",
        "rich_markup_mode",
    ]
    assert isinstance(CommandInfo, type) and isinstance(TyperInfo, type) and isinstance(TyperGroup, type)


def test_a_typer_app_still_keeps_its_commands_and_settings_where_the_adapter_reads_them():
    from typer.models import CommandInfo, TyperInfo

    app = tiny_app()
    assert [type(i) for i in app.registered_commands] == [CommandInfo]
    assert [type(i) for i in app.registered_groups] == [TyperInfo]
    assert app.registered_commands[0].name == "hello" and app.registered_groups[0].name == "group"
    assert isinstance(app.pretty_exceptions_short, bool) and isinstance(app.suggest_commands, bool)
    assert app.rich_markup_mode is None


def test_the_adapter_builds_each_command_as_typer_itself_does():
    from typer.main import get_command

    from backcoach.typer_private import registered, to_click

    app = tiny_app()
    whole = get_command(app)  # what Typer builds for every command at once
    infos = registered(app)
    assert list(infos) == ["hello", "group"]
    for name, info in infos.items():
        ours, theirs = to_click(info, app), whole.commands[name]
        assert type(ours) is type(theirs)
        assert [p.name for p in ours.params] == [p.name for p in theirs.params]
        assert ours.help == theirs.help
    group = to_click(infos["group"], app)
    assert list(group.commands) == ["one", "two"]
    with pytest.raises(SystemExit) as done:
        to_click(infos["hello"], app).main(["Ada", "--loud"], prog_name="hello")
    assert done.value.code == 0


def test_typer_group_still_looks_its_commands_up_in_its_commands_mapping():
    from typer.core import TyperGroup
    from typer.main import get_command

    from backcoach.typer_private import registered, to_click

    app = tiny_app()
    built = {name: to_click(info, app) for name, info in registered(app).items()}
    looked_up = []

    class Lazy(Mapping):  # as cli.LazyCommands
        def __getitem__(self, name):
            looked_up.append(name)
            return built[name]

        def __iter__(self):
            return iter(built)

        def __len__(self):
            return len(built)

    group = TyperGroup(name="root")
    group.commands = Lazy()  # cli.RootGroup puts its LazyCommands here
    with pytest.raises(SystemExit) as done:
        group.main(["hello", "Ada"], prog_name="root")
    assert done.value.code == 0 and looked_up == ["hello"]
    assert binds(TyperGroup.make_context, group, "root", [], None, obj=None)  # RootGroup wraps both
    assert binds(TyperGroup.invoke, group, None)
    assert isinstance(get_command(app), TyperGroup)


# --- Textual: OptionList's line map and SelectionList's box (backcoach/tui/widgets/checklist.py) -------------------
def test_selection_list_still_draws_its_box_with_the_toggle_button_glyphs():
    from textual.widgets import SelectionList
    from textual.widgets._toggle_button import ToggleButton

    for glyph in (ToggleButton.BUTTON_LEFT, ToggleButton.BUTTON_INNER, ToggleButton.BUTTON_RIGHT):
        assert isinstance(glyph, str) and glyph
    assert params(SelectionList._get_left_gutter_width) == ["self"]
    box = ToggleButton.BUTTON_LEFT + ToggleButton.BUTTON_INNER + ToggleButton.BUTTON_RIGHT + " "
    assert SelectionList()._get_left_gutter_width() == len(box)


async def test_option_list_still_maps_screen_lines_to_options_in_update_lines():
    from textual.app import App
    from textual.widgets import OptionList

    assert params(OptionList._update_lines) == ["self"]
    calls = []

    class Watched(OptionList):
        def _update_lines(self) -> None:
            calls.append(self.scrollable_content_region.width)
            super()._update_lines()

    class One(App):
        CSS = "OptionList { width: 24; border: none; padding: 0; }"

        def compose(self):
            yield Watched("short", "a long option that wraps onto more lines", "end")

    app = One()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        ol = app.query_one(Watched)
        assert calls, "OptionList no longer calls _update_lines: CheckList's line map is made for a stale width"
        lines = ol._lines
        assert lines[0] == (0, 0) and lines[-1][0] == 2, lines
        wrapped = [line for index, line in lines if index == 1]
        assert wrapped == list(range(len(wrapped))) and len(wrapped) > 1, lines
        ol._line_cache.clear()
        ol._option_render_cache.clear()


# --- Textual: crash handling (backcoach/tui/crash.py) --------------------------------------------------------------
def test_app_still_handles_an_unhandled_error_through_fatal_error_and_return_code():
    from textual.app import App

    assert params(App._handle_exception) == ["self", "error"]
    assert params(App._fatal_error) == ["self"]
    fatal = []

    class Quiet(App):
        def _fatal_error(self) -> None:
            fatal.append(True)

    app = Quiet()
    app._handle_exception(ValueError("boom"))
    assert fatal == [True], "App._handle_exception no longer calls _fatal_error: Textual's traceback would show"
    assert app.return_code == 1
    app._return_code = 3
    assert app.return_code == 3, "App.return_code no longer reads _return_code: a crash would exit 1, not 3"


# --- Textual: a widget's bindings (backcoach/tui/widgets/keys.py) -------------------------------------------------
def test_a_widget_still_keeps_its_bindings_by_key_in_bindings_key_to_bindings():
    from textual.widget import Widget

    class Bound(Widget):
        BINDINGS = [("space", "toggle", "Tick")]

    found = Bound()._bindings.key_to_bindings.get("space", [])
    assert [(b.action, b.priority) for b in found] == [("toggle", False)]


# --- Textual: TextArea's hooks (backcoach/tui/widgets/textarea.py) -------------------------------------------------
def test_text_area_still_has_the_size_and_input_hooks_the_adapter_overrides():
    from textual.widgets import TextArea

    assert params(TextArea._size_updated) == ["self", "size", "virtual_size", "container_size", "layout"]
    assert params(TextArea._rewrap_and_refresh_virtual_size) == ["self"]
    for hook in (TextArea._on_key, TextArea._on_paste):
        assert params(hook) == ["self", "event"] and inspect.iscoroutinefunction(hook), hook.__name__


async def test_text_area_still_calls_the_hooks_during_layout_typing_and_pasting():
    """Textual runs a message's handlers class by class down the MRO (`_on_paste` of the subclass, then TextArea's)
    until one prevents the default: TextArea's `_on_key` does, once it has inserted a key; its `_on_paste` does not."""
    from textual import events
    from textual.app import App
    from textual.widgets import TextArea

    seen = []

    class Watched(TextArea):
        def _size_updated(self, size, virtual_size, container_size, layout=True) -> bool:
            resized = super()._size_updated(size, virtual_size, container_size, layout)
            seen.append(("size", resized))
            return resized

        async def _on_key(self, event: events.Key) -> None:
            seen.append(("key", event.key))
            await super()._on_key(event)  # as LineArea does with every key but Enter: the key goes in once

        async def _on_paste(self, event: events.Paste) -> None:
            seen.append(("paste", event.text))
            event.text = event.text.upper()  # TextArea's own handler runs next, with the text as changed here

    class One(App):
        def compose(self):
            yield Watched(soft_wrap=True)

    app = One()
    async with app.run_test(size=(40, 10)) as pilot:
        area = app.query_one(Watched)
        area.focus()
        await pilot.press("a")
        app.post_message(events.Paste("b"))  # as the terminal driver delivers a paste
        await pilot.pause()
        assert ("size", True) in seen and ("key", "a") in seen and ("paste", "b") in seen, seen
        assert area.text == "aB"
        area._rewrap_and_refresh_virtual_size()


async def test_a_paste_into_a_line_area_goes_in_once_with_its_line_breaks_as_spaces():
    """LineArea's _on_paste called TextArea's too, and Textual then ran TextArea's again: every paste went in twice."""
    from textual import events
    from textual.app import App

    from backcoach.tui.widgets.textarea import LineArea

    class One(App):
        def compose(self):
            yield LineArea(soft_wrap=True)

    app = One()
    async with app.run_test(size=(40, 10)) as pilot:
        area = app.query_one(LineArea)
        area.focus()
        await pilot.press("a")
        app.post_message(events.Paste("walking\nthe dog"))  # as the terminal driver delivers a paste
        await pilot.pause()
        assert area.text == "awalking the dog"


# --- Textual: public but undocumented shapes the key bar and the screens rely on -----------------------------------
def test_the_key_bar_and_screen_resume_still_find_what_they_read():
    from textual import events
    from textual.binding import ActiveBinding
    from textual.screen import Screen

    assert ActiveBinding._fields == ("node", "binding", "enabled", "tooltip"), "footer.KeyFooter unpacks these four"
    assert isinstance(inspect.getattr_static(Screen, "active_bindings"), property)
    assert events.ScreenResume(refresh_styles=False).refresh_styles is False, "screens.base.AppScreen sets it"


# --- each private name in its one adapter ---------------------------------------------------------------------------
def test_each_private_name_is_used_in_its_adapter_only():
    sources = {path.relative_to(ROOT).as_posix(): path.read_text("utf-8") for path in ROOT.rglob("*.py")}
    for adapter, names in ADAPTERS.items():
        for name in names:
            pattern = re.compile(rf"(?<![\w.]){re.escape(name)}\b" if "." in name else rf"\b{re.escape(name)}\b")
            assert pattern.search(sources[adapter]), f"{adapter} no longer uses {name}: drop it from ADAPTERS"
            users = sorted(path for path, text in sources.items() if path != adapter and pattern.search(text))
            assert not users, f"{name} (private API) is used outside its adapter {adapter}: in {users}"
    private_import = re.compile(r"^\s*(from|import)\s+(textual|typer)\.([\w.]*\.)?_\w+", re.MULTILINE)
    allowed = {"typer_private.py", "tui/widgets/checklist.py"}
    outside = sorted(path for path, text in sources.items() if path not in allowed and private_import.search(text))
    assert not outside, f"a private Textual or Typer module is imported outside the adapters: {outside}"
