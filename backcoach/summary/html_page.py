"""A Document as one self-contained HTML page: inline CSS for screen and print, no scripts, no remote resources.

Every string is HTML-escaped; a Content-Security-Policy forbids scripts and fetching anything, as a second wall.
"""

from __future__ import annotations

from html import escape

from backcoach.summary.document import Block, Chart, Document, Entry, Grid, Item, runs

CSS = """
:root { color-scheme: light; }
body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; max-width: 52rem;
       margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.5em; margin: 0 0 .2em; }
h2 { font-size: 1.15em; border-bottom: 1px solid #999; margin: 1.2em 0 .4em; padding-bottom: .1em; }
h3 { font-size: 1em; margin: .9em 0 .3em; }
h3.alert { color: #a00000; border-left: .3em solid #a00000; padding-left: .4em; }
.subtitle { color: #555; margin: 0 0 .8em; }
dl { display: grid; grid-template-columns: minmax(8rem, 1fr) 2fr; gap: .15em 1em; margin: .3em 0; }
dt { color: #555; }
dd { margin: 0; }
ul { margin: .2em 0; padding-left: 1.2em; }
.label { font-weight: 600; }
.flag { color: #8a5a00; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { text-align: left; padding: .15em .8em .15em 0; vertical-align: top; }
thead th { border-bottom: 1px solid #999; }
.spark { font-size: 1.2em; letter-spacing: .05em; color: #036; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 10pt; margin: 0; max-width: none; }
  h2, h3 { break-after: avoid; }
  section, table, dl, li { break-inside: avoid; }
}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _t(text: str) -> str:
    return escape(text, quote=True).replace("\n", "<br>\n")


def _item(item: Item) -> str:
    label = f'<span class="label">{_t(item.lead)}</span> ' if item.label else ""
    flag = f' <span class="flag">⚑ {_t(item.flag)}</span>' if item.flag else ""
    children = _list(item.children) if item.children else ""
    return f"<li>{label}{_t(item.text)}{flag}{children}</li>"


def _list(items: tuple[Item, ...]) -> str:
    return "<ul>" + "".join(_item(i) for i in items) + "</ul>"


def _value(entry: Entry) -> str:
    text = f"<p>{_t(entry.text)}</p>" if entry.text else ""
    return text + (_list(entry.items) if entry.items else "")


def _entries(entries: list[Entry]) -> str:
    if not any(e.label for e in entries):
        return "".join(_value(e) for e in entries)
    return "<dl>" + "".join(f"<dt>{_t(e.label)}</dt><dd>{_value(e)}</dd>" for e in entries) + "</dl>"


def _grid(grid: Grid) -> str:
    head = "".join(f"<th>{_t(h)}</th>" for h in grid.header)
    rows = "".join("<tr>" + "".join(f"<td>{_t(c)}</td>" for c in row) + "</tr>" for row in grid.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _chart(chart: Chart) -> str:
    rows = "".join(
        f'<tr><th scope="row">{_t(s.label)}</th><td class="spark">{s.sparkline()}</td><td>{_t(s.numbers())}</td></tr>'
        for s in chart.series
    )
    return f'<table class="chart">{rows}</table>'


def _blocks(blocks: tuple[Block, ...]) -> str:
    return "".join(
        _entries(run) if isinstance(run, list) else _grid(run) if isinstance(run, Grid) else _chart(run)
        for run in runs(blocks)
    )


def to_html(doc: Document) -> str:
    body = [f"<h1>{_t(doc.title)}</h1>"]
    if doc.subtitle:
        body.append(f'<p class="subtitle">{_t(doc.subtitle)}</p>')
    if doc.intro:
        body.append(f"<p>{_t(doc.intro)}</p>")
    if doc.facts:
        body.append(_entries([Entry(label, text=value) for label, value in doc.facts]))
    open_section = False
    for section in doc.sections:
        if section.level == 1:
            body.append("</section>" if open_section else "")
            body.append(f"<section><h2>{_t(section.title)}</h2>")
            open_section = True
        else:
            body.append(
                f'<h3 class="alert">{_t(section.title)}</h3>' if section.alert else f"<h3>{_t(section.title)}</h3>"
            )
        body.append(_blocks(section.blocks))
    if open_section:
        body.append("</section>")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(doc.language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_t(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(b for b in body if b)
        + "\n</main>\n</body>\n</html>\n"
    )
