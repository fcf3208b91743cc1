"""What leaves backcoach about a session: the clinician summary and the patient handout, in several formats.

Builders (`build`) turn a record into a Document; renderers turn a Document into Rich, text, Markdown, HTML or
SVG. The TUI and plain mode show `clinician_renderable` directly. Rich is loaded only when a Rich rendering is asked
for: a service importing the builders (`summary.build` runs this file first) loads no Rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcoach.model import PatientRecord, Session
from backcoach.protocol import Protocol
from backcoach.summary.build import clinician_summary, patient_handout
from backcoach.summary.document import Document

if TYPE_CHECKING:
    from rich.console import RenderableType

DOCUMENT_FORMATS = ("text", "md", "html", "svg")
SUFFIXES = {"text": ".txt", "md": ".md", "html": ".html", "svg": ".svg", "json": ".json"}

__all__ = [
    "DOCUMENT_FORMATS",
    "SUFFIXES",
    "Document",
    "clinician_renderable",
    "clinician_summary",
    "handout_renderable",
    "patient_handout",
    "render",
]


def clinician_renderable(record: PatientRecord, session: Session, protocol: Protocol) -> RenderableType:
    from backcoach.summary.rich_view import renderable

    return renderable(clinician_summary(record, session, protocol))


def handout_renderable(record: PatientRecord, session: Session, protocol: Protocol) -> RenderableType:
    from backcoach.summary.rich_view import renderable

    return renderable(patient_handout(record, session, protocol))


def render(doc: Document, fmt: str) -> str:
    """The document as text in one of DOCUMENT_FORMATS."""
    if fmt == "text":
        from backcoach.summary.rich_view import to_text

        return to_text(doc)
    if fmt == "svg":
        from backcoach.summary.rich_view import to_svg

        return to_svg(doc)
    if fmt == "md":
        from backcoach.summary.markdown import to_markdown

        return to_markdown(doc)
    if fmt == "html":
        from backcoach.summary.html_page import to_html

        return to_html(doc)
    raise ValueError(f"unknown document format {fmt!r}")
