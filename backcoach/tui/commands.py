"""The command palette (ctrl+p): go to a phase or component, toggle Why? and guidance, complete, theme."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider


class BackcoachCommands(Provider):
    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        found = [("Switch light/dark theme", "Toggle between the light and the dark theme", self.app.toggle_dark)]
        palette = getattr(self.screen, "palette_commands", None)
        return (palette() if palette else []) + found

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
