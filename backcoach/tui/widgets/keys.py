"""Keys typed ahead of the screen act on the widget they were typed into.

Textual hands a key to the focused widget, then looks up its bindings from wherever focus is when the widget gets
round to it. A fast "Space Tab" (or a paste) moved focus on first, and the Space, bound on the checklist, found no
binding there: it was lost. A widget with this mixin runs its own bindings itself (the one adapter over Textual's
binding map, `_bindings.key_to_bindings`; tests/test_private_api.py pins it, tests/tui/test_type_ahead.py fails if
Textual changes how it behaves)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:  # the widget it is mixed into, for the type checker
    from textual.widget import Widget as _Mixed
else:
    _Mixed = object


class OwnKeys(_Mixed):
    """Mix in before the widget class (a plain mixin: Textual gathers styles and component classes along the
    widget classes only)."""

    async def handle_key(self, event: events.Key) -> bool:
        for binding in self._bindings.key_to_bindings.get(event.key, []):
            if not binding.priority:
                event.stop()
                event.prevent_default()
                await self.run_action(binding.action)
                return True
        return await super().handle_key(event)
