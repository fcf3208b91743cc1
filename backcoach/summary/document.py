"""A summary as plain data: sections of labelled entries, tables and charts. Every renderer walks this.

All strings in a Document are plain text (user text with control characters already made visible); each
renderer escapes them for its own format, so nothing typed by a user can act as markup anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

SPARK = "▁▂▃▄▅▆▇█"


def lead(label: str) -> str:
    """A label as shown before its text: with a colon, unless it ends in punctuation of its own."""
    return label if not label or label[-1] in '?:.!"' else label + ":"


@dataclass(frozen=True)
class Item:
    """One line of a list: `label: text`, an optional warning after it, and sub-items below it."""

    text: str
    label: str = ""
    flag: str = ""
    children: tuple[Item, ...] = ()

    @property
    def lead(self) -> str:
        return lead(self.label)


@dataclass(frozen=True)
class Entry:
    """A labelled answer: its text, or a list of items. An entry without a label is a paragraph or a list."""

    label: str = ""
    text: str = ""
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Grid:
    """A small table."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Series:
    """Values of one measure across sessions (None where a session has none), on a lo…hi scale."""

    label: str
    values: tuple[int | None, ...]
    lo: int
    hi: int

    def sparkline(self) -> str:
        span = max(self.hi - self.lo, 1)
        return "".join("·" if v is None else SPARK[round((v - self.lo) / span * (len(SPARK) - 1))] for v in self.values)

    def numbers(self) -> str:
        return " → ".join("–" if v is None else str(v) for v in self.values)


@dataclass(frozen=True)
class Chart:
    """Series drawn as sparklines, one per row, with their values."""

    series: tuple[Series, ...]


Block = Entry | Grid | Chart


@dataclass(frozen=True)
class Section:
    """A heading (level 1 or 2) and what follows it."""

    title: str
    level: int = 1
    blocks: tuple[Block, ...] = ()
    alert: bool = False  # a heading to stand out (the handout's emergency warning signs): red where colour exists


@dataclass(frozen=True)
class Document:
    title: str
    language: str = "en"
    subtitle: str = ""
    intro: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    sections: tuple[Section, ...] = ()


def runs(blocks: tuple[Block, ...]) -> list[list[Entry] | Grid | Chart]:
    """The blocks with consecutive entries gathered into one list, so renderers can lay them out together: labelled
    entries with labelled ones (a label column), paragraphs with paragraphs (a paragraph is never drawn in the label
    column of the entry before it)."""
    out: list[list[Entry] | Grid | Chart] = []
    for block in blocks:
        if isinstance(block, Entry):
            if out and isinstance(out[-1], list) and bool(out[-1][-1].label) == bool(block.label):
                out[-1].append(block)
            else:
                out.append([block])
        else:
            out.append(block)
    return out
