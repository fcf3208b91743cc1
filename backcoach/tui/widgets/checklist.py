"""Checklists and choice lists whose items may wrap: each item's box, tick and highlight sit on its own first line,
its wrapped lines indented under it, and a click on any of its lines toggles it.

Textual 8's SelectionList draws its box on every screen line and counts one line per option, so at 80 columns
the ticks of a wrapped list sat beside the wrong items (a safety problem in the warning-sign checklist). This
module is the one adapter over OptionList's line map (`_lines`: screen line → (option index, line within it), made
by `_update_lines`, with its caches `_line_cache` and `_option_render_cache`) and over what SelectionList draws its
box with (`_get_left_gutter_width`, the glyphs of `textual.widgets._toggle_button.ToggleButton`).
tests/test_private_api.py pins each of these names; tests/tui/test_checklist.py fails if Textual changes how they
behave.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.selection_list import Selection

from backcoach.tui.widgets.keys import OwnKeys


class CheckList(OwnKeys, SelectionList[str]):
    """Several items may be ticked (Space or Enter toggles the highlighted one, at once)."""

    INNER = ToggleButton.BUTTON_INNER

    def __init__(self, *selections: Selection[str]):
        super().__init__(*selections)
        self._wrapped_at = 0  # the width the line map was made for

    def _get_left_gutter_width(self) -> int:
        return len(ToggleButton.BUTTON_LEFT + self.INNER + ToggleButton.BUTTON_RIGHT + " ")

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # the items wrap beside the box: OptionList measured them at the whole width, so the list came out shorter
        # than its lines and hid its last items behind a scroll
        return super().get_content_height(container, viewport, width - self._get_left_gutter_width())

    def _update_lines(self) -> None:
        # the line map is made once and kept until a Resize event arrives; a first paint before that event used a
        # map made for another width, and an item drawn on two lines had one line in the map (its end was lost)
        width = self.scrollable_content_region.width
        if width != self._wrapped_at:
            self._wrapped_at = width
            self._line_cache.clear()
            self._option_render_cache.clear()
        super()._update_lines()

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)  # the item's text, already wrapped to the width less the gutter
        try:
            index, line_in_item = self._lines[self.scroll_offset.y + y]
        except IndexError:
            return line
        value = self.get_option_at_index(index).value
        meta = Style(meta={"option": index})  # a click on the gutter toggles this item too
        base = next(iter(line)).style or self.rich_style
        if line_in_item:
            return Strip([Segment(" " * self._get_left_gutter_width(), base + meta), *line])
        component = "selection-list--button"
        if value in self.selected:
            component += "-selected"
        if self.highlighted == index:
            component += "-highlighted"
        button = self.get_component_rich_style(component)
        side = Style.from_color(button.bgcolor, base.bgcolor) + meta
        return Strip(
            [
                Segment(ToggleButton.BUTTON_LEFT, side),
                Segment(self.INNER, button + meta),
                Segment(ToggleButton.BUTTON_RIGHT, side),
                Segment(" ", base + meta),
                *line,
            ]
        )

    def action_select(self) -> None:
        # SelectionList toggles whatever is highlighted when its message arrives: keys queued behind Space (a fast
        # "Space Down Space") moved the highlight first, and both toggles hit the same item
        if self.highlighted is not None and not self.get_option_at_index(self.highlighted).disabled:
            self.toggle_item(self.get_option_at_index(self.highlighted).value)

    def toggle_item(self, value: str) -> None:
        self.toggle(value)


class ChoiceList(CheckList):
    """One item at most: ticking one unticks the others; ticking the chosen one again clears the answer."""

    INNER = "●"

    def toggle_item(self, value: str) -> None:
        for other in [v for v in self.selected if v != value]:
            self.deselect(other)
        self.toggle(value)

    @property
    def chosen(self) -> str | None:
        return next(iter(self.selected), None)
