"""The one rule for user text on save: keep it as typed, minus characters that could act on a terminal.

C0/C1 control characters (ESC included) other than newline and tab, DEL, the bidi embedding/override/isolate
characters and lone surrogates are removed; CRLF and lone CR become LF. A field larger than MAX_TEXT_BYTES is refused.
Strings read from files go through the same rule (`loaded_text`), with a tighter limit for ids and labels.
"""

import json
import re

from backcoach.errors import BackcoachError

MAX_TEXT_BYTES = 64 * 1024

_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ud800-\udfff]")


MAX_LABEL_BYTES = 1024  # an id, a version, a label read from a file: far more than any real one needs


class TextTooLong(BackcoachError):
    """A field is larger than its limit (MAX_TEXT_BYTES for what a person types)."""


class TextInvalid(BackcoachError):
    """A value read from a file where text should be is something else."""


def strip_unsafe(text: str) -> str:
    """`text` without the characters that could act on a terminal (for showing text read from anywhere)."""
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def first_unsafe(text: str) -> str | None:
    """The first character `clean_text` would remove, as U+XXXX; None when there is none (CR counts as safe)."""
    match = _UNSAFE.search(text.replace("\r", ""))
    return f"U+{ord(match.group()):04X}" if match else None


def check_size(text: str, *, field: str = "text", limit: int = MAX_TEXT_BYTES) -> str:
    """`text` as it is; TextTooLong when it is larger than `limit` bytes (UTF-8)."""
    if len(text) * 4 > limit:  # only then can it be over: most text is never encoded here
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > limit:
            raise TextTooLong(f"{field} is {_size(size)}; the limit is {_size(limit)}")
    return text


def _size(n: int) -> str:
    return f"{-(-n // 1024)} KiB" if n >= 1024 else f"{n} bytes"  # rounded up: 64.5 KiB is over a 64 KiB limit


def clean_text(text: str, *, field: str = "text", limit: int = MAX_TEXT_BYTES) -> str:
    """Return `text` safe to store; raise TextTooLong when it is over the size limit."""
    return check_size(strip_unsafe(text), field=field, limit=limit)


def loaded_text(value: object, *, field: str, limit: int = MAX_LABEL_BYTES) -> str:
    """A string read from a file (an import, a patient file edited by hand, practice metadata, the index), made safe
    as typed text is: anything but text raises TextInvalid; unsafe characters are removed; over `limit`, TextTooLong.
    For what names or labels a thing (ids, versions, names); answers keep their text (see model.normalise_answer)."""
    if not isinstance(value, str):
        raise TextInvalid(f"{field}: expected text")
    return clean_text(value, field=field, limit=limit)


def _picture(match: re.Match[str]) -> str:
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
