"""A Document as a Rich renderable (for the TUI, plain mode and the terminal), and as plain text or SVG.

Every string enters Rich as `Text`, never as markup, so `[bold]` or `[@click=…]` typed by a user stays literal.
"""

from __future__ import annotations

import io
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from backcoach.summary.document import Block, Chart, Document, Entry, Grid, Item, runs

WIDTH = 100


def _items(items: tuple[Item, ...], depth: int = 0) -> Table:
    """A bullet list with a hanging indent, so wrapped lines stay under their text."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column()
    for item in items:
        line = Text()
        if item.label:
            line.append(item.lead + " ", style="bold")
        line.append(item.text)
        if item.flag:
            line.append(f"  ⚑ {item.flag}", style="yellow")
        body = Group(line, _items(item.children, depth + 1)) if item.children else line
        table.add_row("•" if depth == 0 else "-", body)
    return table


def _value(entry: Entry) -> RenderableType:
    parts: list[RenderableType] = [Text(entry.text)] if entry.text else []
    if entry.items:
        parts.append(_items(entry.items))
    return Group(*parts)


def _entries(entries: list[Entry]) -> RenderableType:
    if not any(e.label for e in entries):
        return Group(*(_value(e) for e in entries))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", ratio=1)
    grid.add_column(ratio=2)
    for e in entries:
        grid.add_row(Text(e.label), _value(e))
    return grid


def _grid(grid: Grid) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for name in grid.header:
        table.add_column(Text(name))
    for row in grid.rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def _chart(chart: Chart) -> Table:
    table = Table.grid(padding=(0, 2))
    for s in chart.series:
        table.add_row(Text(s.label), Text(s.sparkline(), style="cyan"), Text(s.numbers(), style="dim"))
    return table


def _blocks(blocks: tuple[Block, ...]) -> list[RenderableType]:
    return [
        _entries(run) if isinstance(run, list) else _grid(run) if isinstance(run, Grid) else _chart(run)
        for run in runs(blocks)
    ]


def renderable(doc: Document) -> RenderableType:
    parts: list[RenderableType] = [Text(doc.title, style="bold")]
    if doc.subtitle:
        parts.append(Text(doc.subtitle, style="dim"))
    if doc.intro:
        parts += [Text(""), Text(doc.intro)]
    if doc.facts:
        facts = Table.grid(padding=(0, 2))
        for label, value in doc.facts:
            facts.add_row(Text(label, style="dim"), Text(value))
        parts += [Text(""), facts]
    for section in doc.sections:
        if section.level == 1:
            parts += [Text(""), Rule(Text(section.title, style="bold"), align="left")]
        else:
            parts += [Text(""), Text(section.title, style="bold red" if section.alert else "bold")]
        parts += _blocks(section.blocks)
    return Group(*parts)


def _console(file: io.StringIO | None = None, **kwargs: Any) -> Console:
    return Console(
        file=file or io.StringIO(),
        width=WIDTH,
        markup=False,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        **kwargs,
    )


def to_text(doc: Document) -> str:
    """Plain text, wrapped at WIDTH columns, no colour codes, no trailing spaces."""
    out = io.StringIO()
    console = _console(out, color_system=None, force_terminal=False)
    console.print(renderable(doc))
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


def to_svg(doc: Document) -> str:
    console = _console(record=True, force_terminal=True, color_system="truecolor")
    console.print(renderable(doc))
    return console.export_svg(title=doc.title)
