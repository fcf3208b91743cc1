"""Fields made of removable items (goals, feared activities). A goal holds six answers and goes on one Enter, so a
removal is kept: ctrl+z puts the last removed item back where it was, and the screen says so in its status bar."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button

from backcoach.tui.widgets.fields import AnswerField, first_focusable


class ItemCard(Vertical):
    """One item of an ItemListField (a goal, a rated activity): its value is one entry of the field's list."""

    @property
    def value(self) -> dict[str, Any]:
        raise NotImplementedError


ItemT = TypeVar("ItemT", bound=ItemCard)


class ItemListField(AnswerField, Generic[ItemT]):
    """Subclasses say which widget is an item (`ITEM`), how to build one from its value and how to name it."""

    ITEM: type[ItemT]

    class Removed(Message):
        """An item was removed and can be brought back with `restore`."""

        def __init__(self, field: ItemListField[Any], what: str):
            super().__init__()
            self.field, self.what = field, what

    def __init__(self, *args: Any):
        super().__init__(*args)
        self._removed: list[tuple[int, dict[str, Any], Any]] = []  # (position, value, extra) of removed items

    def items(self) -> list[ItemT]:
        return list(self.query(self.ITEM))

    def build(self, value: dict[str, Any], extra: Any, number: int) -> ItemT:
        raise NotImplementedError

    def extra(self, item: ItemT) -> Any:
        """What an item carries besides its value (a rated activity's rating last time)."""
        return None

    def name_of(self, value: dict[str, Any]) -> str:
        raise NotImplementedError

    def noun(self) -> str:
        return "item"

    def renumber(self) -> None:
        """Items that show their number update it after a removal or a restore."""

    async def remove_item(self, item: ItemT) -> None:
        items = self.items()
        position, value = items.index(item), item.value
        self._removed.append((position, value, self.extra(item)))
        await item.remove()
        self.renumber()
        self.changed()
        following = self.items()[position:]
        target = first_focusable(following[0]) if following else self.query_one(".add", Button)
        if target is not None:  # an item always has an input
            target.focus()
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
        if (target := first_focusable(item)) is not None:  # an item always has an input
            target.focus()
