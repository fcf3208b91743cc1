"""The questionary prompts plain mode asks, with interruption made explicit.

Every prompt goes through `ask`, which uses questionary's raising variant: Ctrl-C and Ctrl-D (bound on every
prompt, not only on empty text) become `Interrupted`, carrying any text typed but not yet submitted, so the caller
decides what is saved. Nothing here ever returns None for "interrupted".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from questionary import Choice

from backcoach.errors import BackcoachError
from backcoach.textclean import clean_text

SKIP = "__skip__"  # the value of the "skip" entry in a select; never stored


class Interrupted(Exception):
    """The user pressed Ctrl-C or Ctrl-D; `draft` is the text typed at a text prompt but not submitted."""

    def __init__(self, draft: str = ""):
        super().__init__("interrupted")
        self.draft = draft
        self.kept = False  # set once the draft has been saved


def _stop_keys() -> KeyBindings:
    keys = KeyBindings()

    @keys.add("c-d", eager=True)
    def _(event) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    return keys


def ask(question: questionary.Question) -> Any:
    """Run one prompt; Ctrl-C / Ctrl-D raise `Interrupted` instead of returning None."""
    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, _stop_keys()])
    try:
        return question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        buffer = app.current_buffer
        raise Interrupted(buffer.text if buffer is not None else "") from None


def _fits(text: str) -> bool | str:
    try:
        clean_text(text)
    except BackcoachError as exc:
        return str(exc)
    return True


def text(message: str, default: str = "", *, keep: Callable[[str], None] | None = None) -> str:
    """A one-line text answer ("" when left empty). On interruption, `keep(draft)` receives unsent typed text."""
    question = questionary.text(message, default=default, validate=_fits)
    try:
        return ask(question)
    except Interrupted as stop:
        if keep is not None and stop.draft.strip() and stop.draft != default and _fits(stop.draft) is True:
            keep(stop.draft)
            stop.kept = True
        raise


def number(message: str, lo: int, hi: int, default: int | None = None, *, instruction: str | None = None):
    """A whole number from lo to hi, or None when left empty."""

    def valid(answer: str) -> bool | str:
        try:
            if not answer.strip() or lo <= int(answer) <= hi:
                return True
        except ValueError:
            pass
        return f"a whole number from {lo} to {hi}, or empty to skip"

    given = ask(
        questionary.text(
            message,
            default="" if default is None else str(default),
            instruction=instruction,
            validate=valid,
        )
    ).strip()
    return int(given) if given else None


def select(message: str, choices: Sequence[Choice], default: Any = None) -> Any:
    """One of `choices` (their values); `default` is the value the pointer starts on."""
    start = next((c for c in choices if c.value == default), None)
    return ask(questionary.select(message, choices=list(choices), default=start))


def checkbox(message: str, choices: Sequence[Choice]) -> list[Any]:
    return ask(questionary.checkbox(message, choices=list(choices)))
