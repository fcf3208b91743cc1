"""The key bar, recomposed only when the keys it shows change.

Textual's Footer recomposes on every change of focus, even when the keys on show stay the same; at start-up that
is four or five times, and each time every key is built and restyled again."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    _shown: tuple | None = None

    def shown_keys(self) -> tuple:
        """What the footer would show: every binding on display, and the command palette's key."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (key, binding.description, binding.action, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:
            return  # as Footer does: a footer on its way out has nothing to show
        shown = self.shown_keys() if self._bindings_ready else None
        if shown is not None and shown == self._shown:
            return
        self._shown = shown
        await super().recompose()
