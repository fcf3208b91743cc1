"""The key bar: its keys are built with it, and built again only when the keys it shows change.

Textual's Footer shows no keys until the screen first announces its bindings, then recomposes on every change of
focus even when the keys on show stay the same: at start-up that is a second layout of the whole screen, and
four or five rebuilds in which every key is built and restyled again (twice: see `compose`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    _shown: tuple | None = None

    def __init__(self) -> None:
        super().__init__()
        self.set_reactive(Footer._bindings_ready, True)  # the screen's bindings can be read as soon as it mounts

    def shown_keys(self) -> tuple:
        """What the footer would show: every binding on display, and the command palette's key."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (key, binding.description, binding.action, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )

    def compose(self) -> ComposeResult:
        self._shown = self.shown_keys()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # each key starts compact and is told the footer's style only once mounted, a restyle per key:
                # settle it before (the command palette's key stays compact, as in Footer)
                compact = self.compact or widget.has_class("-command-palette")
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:
            return  # as Footer does: a footer on its way out has nothing to show
        if self.shown_keys() != self._shown:
            await super().recompose()
