"""vulture's whitelist (`make lint`): single names used where vulture cannot see it, each with its reason.

Names a framework calls by convention (Textual's on_*, action_*, compose; Typer's commands; ...) are ignored in
pyproject.toml, [tool.vulture]. Reading `_.name` here marks `name` as used; this file is never imported.
"""
# ruff: noqa: B018

from __future__ import annotations


class _Names:
    def __getattr__(self, name: str) -> _Names:
        return self


_ = _Names()

# read or called by Textual
_.display  # Widget.display, set to show or hide a widget
_.cursor_blink  # TextArea.cursor_blink (tui.widgets.fields.steady)
_.refresh_styles  # events.ScreenResume.refresh_styles (tui.screens.base.AppScreen)
_.control  # Message.control: the widget a message's handlers are matched on
_.parameters  # check_action(action, parameters): Textual's signature, the parameters unused
_._fatal_error  # Textual's private crash hooks (tui/crash.py; pinned by tests/test_private_api.py)
_._return_code

# protocol.Guidance: option lists read as getattr(guidance, source), for each of OPTION_SOURCES
_.key_messages
_.strategies

# read by tests only: what they wait for or check
_.opened  # ConsultScreen: its first component is shown (tests/tui/waiting.py)
_.scheduled_within  # Autosaver: when the next save is due (tests/tui/test_walkthrough.py)
_.clean  # a store check that found no problem (tests/test_demo.py)
_.missed  # Feedback: every item missed, critical ones first (tests/test_practice_scoring.py)

# protocol.Protocol / Correction: pack data shown through dataclasses.asdict (`protocol show --json`) and checked by
# tests/test_protocol.py against the source table
_.corrections
_.source_text
_.pack_text
