"""A Document as Markdown (CommonMark/GFM). Every string is escaped so it shows literally: no links, no HTML,
no emphasis and no headings or lists can come from what a user typed."""

from __future__ import annotations

import re

from backcoach.summary.document import Block, Chart, Document, Entry, Grid, Item, lead

_INLINE = re.compile(r"([\\`*_\[\]|~!])")
_MARKER = re.compile(r"^([#+\-=])")
_NUMBERED = re.compile(r"^(\d+)([.)])")


def escaped_lines(text: str) -> list[str]:
    """Plain text as Markdown lines that render as exactly that text (leading spaces dropped)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    return [_NUMBERED.sub(r"\1\\\2", _MARKER.sub(r"\\\1", line.lstrip())) for line in text.split("\n")]


def _inline(text: str, indent: str) -> str:
    """Text inside a list item or paragraph: its line breaks kept as hard breaks, continuation lines indented."""
    return ("\\\n" + indent).join(escaped_lines(text))


def _item(item: Item, depth: int) -> list[str]:
    indent = "  " * depth
    label = f"**{_inline(item.lead, indent + '  ')}** " if item.label else ""
    flag = f" — ⚑ *{_inline(item.flag, indent + '  ')}*" if item.flag else ""
    lines = [f"{indent}- {label}{_inline(item.text, indent + '  ')}{flag}"]
    for child in item.children:
        lines += _item(child, depth + 1)
    return lines


def _entry(entry: Entry) -> list[str]:
    if not entry.label:
        lines = [_inline(entry.text, "")] if entry.text else []
        for item in entry.items:
            lines += _item(item, 0)
        return lines
    head = f"- **{_inline(lead(entry.label), '  ')}**"
    if entry.text:
        return [f"{head} {_inline(entry.text, '  ')}"]
    lines = [head]
    for item in entry.items:
        lines += _item(item, 1)
    return lines


def _cell(text: str) -> str:
    return " ".join(escaped_lines(text)) or " "


def _grid(grid: Grid) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in grid.header) + " |", "|" + "---|" * len(grid.header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in grid.rows]
    return lines


def _chart(chart: Chart) -> list[str]:
    return [f"- {_inline(s.label, '  ')}: `{s.sparkline()}` {s.numbers()}" for s in chart.series]


def _block(block: Block) -> list[str]:
    if isinstance(block, Entry):
        return _entry(block)
    return _grid(block) if isinstance(block, Grid) else _chart(block)


def to_markdown(doc: Document) -> str:
    out = [f"# {_inline(doc.title, '')}", ""]
    if doc.subtitle:
        out += [f"*{_inline(doc.subtitle, '')}*", ""]
    if doc.intro:
        out += [_inline(doc.intro, ""), ""]
    if doc.facts:
        out += [f"- **{_inline(lead(label), '  ')}** {_inline(value, '  ')}" for label, value in doc.facts] + [""]
    for section in doc.sections:
        out += [f"{'#' * (section.level + 1)} {_inline(section.title, '')}", ""]
        previous: Block | None = None
        for block in section.blocks:
            in_list = isinstance(previous, Entry) and previous.label and isinstance(block, Entry) and block.label
            if previous is not None and not in_list:
                out.append("")
            out += _block(block)
            previous = block
        if section.blocks:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
