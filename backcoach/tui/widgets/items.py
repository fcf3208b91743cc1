"""Fields made of removable items (goals, feared activities). A goal holds six answers and goes on one Enter, so a
removal is kept: ctrl+z puts the last removed item back where it was, and the screen says so in its status bar."""

from __future__ import annotations

from typing import Any

from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button

from backcoach.tui.widgets.fields import AnswerField, first_focusable


class ItemListField(AnswerField):
    """Subclasses say which widget is an item (`ITEM`), how to build one from its value and how to name it."""

    ITEM: type[Widget]

    class Removed(Message):
        """An item was removed and can be brought back with `restore`."""

        def __init__(self, field: ItemListField, what: str):
            super().__init__()
            self.field, self.what = field, what

    def __init__(self, *args: Any):
        super().__init__(*args)
        self._removed: list[tuple[int, dict[str, Any], Any]] = []  # (position, value, extra) of removed items

    def items(self) -> list[Widget]:
        return list(self.query(self.ITEM))

    def build(self, value: dict[str, Any], extra: Any, number: int) -> Widget:
        raise NotImplementedError

    def extra(self, item: Widget) -> Any:
        """What an item carries besides its value (a rated activity's rating last time)."""
        return None

    def name_of(self, value: dict[str, Any]) -> str:
        raise NotImplementedError

    def noun(self) -> str:
        return "item"

    def renumber(self) -> None:
        """Items that show their number update it after a removal or a restore."""

    async def remove_item(self, item: Widget) -> None:
        items = self.items()
        position, value = items.index(item), item.value
        self._removed.append((position, value, self.extra(item)))
        await item.remove()
        self.renumber()
        self.changed()
        following = self.items()[position:]
        (first_focusable(following[0]) if following else self.query_one(".add", Button)).focus()
        what = self.name_of(value)
        noun = self.noun()
        self.post_message(self.Removed(self, f"{noun} “{what}”" if what.strip() else f"empty {noun}"))

    @property
    def can_restore(self) -> bool:
        return bool(self._removed)

    async def restore(self) -> None:
        """Put the last removed item back at its place, with the cursor in it."""
        position, value, extra = self._removed.pop()
        items = self.items()
        before = items[position] if position < len(items) else self.query_one(".add", Button)
        item = self.build(value, extra, position + 1)
        await self.mount(item, before=before)
        self.renumber()
        self.changed()
        first_focusable(item).focus()
