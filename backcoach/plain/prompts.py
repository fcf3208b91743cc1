"""The questionary prompts plain mode asks, with interruption made explicit.

Every prompt goes through `ask`, which uses questionary's raising variant: Ctrl-C and Ctrl-D (bound on every
prompt, not only on empty text) become `Interrupted`, carrying any text typed but not yet submitted, so the caller
decides what is saved. Nothing here ever returns None for "interrupted".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import questionary
from prompt_toolkit.filters import emacs_insert_mode, vi_insert_mode
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings
from prompt_toolkit.keys import Keys
from questionary import Choice

from backcoach.errors import BackcoachError
from backcoach.textclean import MAX_TEXT_BYTES, clean_text

if TYPE_CHECKING:
    from prompt_toolkit.buffer import Buffer

# A text prompt holds at most this many characters: one more than a field can store (so the answer is refused
# with the size limit, not cut short silently), and typing or pasting beyond it is dropped as it arrives.
MAX_INPUT_CHARS = MAX_TEXT_BYTES + 1

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
    def _(event: KeyPressEvent) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    return keys


def _capped_input_keys(limit: int) -> KeyBindings:
    """Typing and pasting into a text prompt, capped at `limit` characters, without an undo copy per key.

    prompt_toolkit's own typing binding saves the whole text for undo before each key that is not a repeat, so a
    paste arriving as keys (a terminal without bracketed paste, a pipe) keeps one copy of the text per character:
    70 KB pasted grew to 2.4 GB before the answer could be refused.
    """
    keys = KeyBindings()

    def insert(buffer: Buffer, data: str) -> None:
        room = limit - len(buffer.text)
        if room > 0:
            buffer.insert_text(data[:room])

    @keys.add(Keys.Any, filter=vi_insert_mode | emacs_insert_mode, save_before=lambda event: False)
    def _(event: KeyPressEvent) -> None:
        insert(event.current_buffer, event.data * min(event.arg, limit))

    @keys.add(Keys.BracketedPaste)
    def _(event: KeyPressEvent) -> None:
        insert(event.current_buffer, event.data.replace("\r\n", "\n").replace("\r", "\n"))

    return keys


def ask(question: questionary.Question, *, text_limit: int | None = None) -> Any:
    """Run one prompt; Ctrl-C / Ctrl-D raise `Interrupted` instead of returning None. A text prompt passes its
    `text_limit` (characters)."""
    app = question.application
    extra = [_capped_input_keys(text_limit)] if text_limit is not None else []
    own = [app.key_bindings] if app.key_bindings is not None else []  # questionary's prompts always have theirs
    app.key_bindings = merge_key_bindings([*own, *extra, _stop_keys()])
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
    # checked on Enter, not on every key: checking the whole text at each key of a paste is quadratic
    question = questionary.text(message, default=default, validate=_fits, validate_while_typing=False)
    try:
        return ask(question, text_limit=MAX_INPUT_CHARS)
    except Interrupted as stop:
        if keep is not None and stop.draft.strip() and stop.draft != default and _fits(stop.draft) is True:
            keep(stop.draft)
            stop.kept = True
        raise


def number(message: str, lo: int, hi: int, default: int | None = None, *, instruction: str | None = None) -> int | None:
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
        ),
        text_limit=len(str(hi)) + len(str(lo)) + 8,  # a number and some spaces; more is never a valid answer
    ).strip()
    return int(given) if given else None


def select(message: str, choices: Sequence[Choice], default: Any = None) -> Any:
    """One of `choices` (their values); `default` is the value the pointer starts on."""
    start = next((c for c in choices if c.value == default), None)
    return ask(questionary.select(message, choices=list(choices), default=start))


def checkbox(message: str, choices: Sequence[Choice]) -> list[Any]:
    return ask(questionary.checkbox(message, choices=list(choices)))
