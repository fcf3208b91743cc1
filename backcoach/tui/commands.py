"""The command palette (ctrl+p): go to a phase or component, toggle Why? and guidance, complete, theme."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

if TYPE_CHECKING:
    from backcoach.tui.app import BackcoachApp


class BackcoachCommands(Provider):
    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("BackcoachApp", self.app)
        found = [("Switch light/dark theme", "Toggle between the light and the dark theme", app.toggle_dark)]
        palette = getattr(self.screen, "palette_commands", None)
        return (palette() if palette else []) + found

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, highlight(matcher, title), callback, text=title, help=help_text)


def highlight(matcher: Matcher, title: str) -> Content:
    """The title with the letters that matched marked, as `Matcher.highlight` does, but read as plain text: titles
    come from the pack (a clinic's translation), and Textual's would read them as markup."""
    content = Content(title)
    for offset in matcher.fuzzy_search.match(matcher.query, title)[1]:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
