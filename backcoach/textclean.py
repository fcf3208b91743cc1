"""The one rule for user text on save: keep it as typed, minus characters that could act on a terminal.

C0/C1 control characters (ESC included) other than newline and tab, DEL, the bidi embedding/override/isolate
characters and lone surrogates are removed; CRLF and lone CR become LF. A field larger than MAX_TEXT_BYTES is refused.
"""

import json
import re

from backcoach.errors import BackcoachError

MAX_TEXT_BYTES = 64 * 1024

_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ud800-\udfff]")


class TextTooLong(BackcoachError):
    """A field is larger than MAX_TEXT_BYTES."""


def strip_unsafe(text: str) -> str:
    """`text` without the characters that could act on a terminal (for showing text read from anywhere)."""
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def first_unsafe(text: str) -> str | None:
    """The first character `clean_text` would remove, as U+XXXX; None when there is none (CR counts as safe)."""
    match = _UNSAFE.search(text.replace("\r", ""))
    return f"U+{ord(match.group()):04X}" if match else None


def clean_text(text: str, *, field: str = "text") -> str:
    """Return `text` safe to store; raise TextTooLong when it is over the size limit."""
    cleaned = strip_unsafe(text)
    size = len(cleaned.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise TextTooLong(f"{field} is {-(-size // 1024)} KiB; the limit is {MAX_TEXT_BYTES // 1024} KiB")
    return cleaned


def _picture(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟: the Unicode control pictures
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def show_controls(text: str) -> str:
    """Replace each character `clean_text` would remove by a visible stand-in, so text that was never cleaned
    (an imported or hand-edited file) can be shown without acting on a terminal."""
    return _UNSAFE.sub(_picture, text)


def json_text(data: object, *, indent: int = 2, sort_keys: bool = False) -> str:
    """`data` as JSON text, each character `clean_text` would remove written as a \\u escape: the same JSON,
    valid UTF-8 even with a lone surrogate (from a file edited by hand), and inert when shown on a terminal."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=sort_keys)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
