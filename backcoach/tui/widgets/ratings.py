"""A rated list (feared activities with a 0–10 fear rating). At a follow-up an empty list starts from the
latest earlier ratings so they can be re-rated; each row shows what it was last time."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static, TextArea

from backcoach.model import new_id
from backcoach.tui.display import literal
from backcoach.tui.widgets.fields import line_area
from backcoach.tui.widgets.items import ItemCard, ItemListField
from backcoach.tui.widgets.scale import ScaleInput
from backcoach.tui.widgets.textarea import LineArea


class RatingRow(ItemCard):
    """An item: its name whole (wrapped, over the width of the form), then its rating, last time's and ✕."""

    def __init__(self, item: dict[str, Any], lo: int, hi: int, placeholder: str, before: int | None):
        super().__init__(classes="rating-row")
        self.item_id, self.item, self.lo, self.hi = item["id"], item, lo, hi
        self.placeholder, self.before = placeholder, before

    def compose(self) -> ComposeResult:
        yield line_area(self.item.get("item", ""), self.placeholder, "item")
        with Horizontal(classes="rating"):
            yield ScaleInput(self.lo, self.hi, self.item.get("rating"))
            yield Static("" if self.before is None else f"was {self.before}", classes="was")
            yield Button("✕", classes="remove", compact=True, tooltip="Remove this item")

    @property
    def value(self) -> dict[str, Any]:
        return {"id": self.item_id, "item": self.query_one(LineArea).text, "rating": self.query_one(ScaleInput).value}


class RatingListField(ItemListField[RatingRow]):
    ITEM = RatingRow

    def compose_input(self) -> ComposeResult:
        earlier = self.consultation.previous_answer(self.component.id, self.spec.id) or []
        before = {i["id"]: i["rating"] for i in earlier}
        items = self.initial or [dict(i) for i in earlier] or [self.blank()]
        if not self.initial and earlier:
            yield Static(literal("Ratings from the last session: re-rate each one."), classes="hint")
        for item in items:
            yield self.row(item, before.get(item["id"]))
        yield Button("+ Add", classes="add", compact=True, tooltip="Add an item")

    def blank(self) -> dict[str, Any]:
        return {"id": new_id(), "item": "", "rating": None}

    def row(self, item: dict[str, Any], before: int | None) -> RatingRow:
        return RatingRow(item, self.spec.min, self.spec.max, self.spec.item_label, before)

    @property
    def value(self) -> list[dict[str, Any]]:
        rows = [row.value for row in self.query(RatingRow)]
        # an item is kept once it has a name, rated or not yet
        return [r for r in rows if r["item"].strip()]

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.changed()

    def on_scale_input_changed(self, event: ScaleInput.Changed) -> None:
        event.stop()
        self.changed()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("add"):
            row = self.row(self.blank(), None)
            await self.mount(row, before=event.button)
            row.query_one(LineArea).focus()
        else:
            await self.remove_item(event.button.query_ancestor(RatingRow))

    def build(self, value: dict[str, Any], extra: Any, number: int) -> RatingRow:
        return self.row(value, extra)

    def extra(self, item: RatingRow) -> int | None:
        return item.before

    def name_of(self, value: dict[str, Any]) -> str:
        return value["item"]

    def noun(self) -> str:
        return self.spec.item_label.lower() or "item"
