"""What a session captured, and the way back home.

`summary_renderable` is the one place that draws it; the richer summary of the export work replaces that function.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from backcoach.model import PatientRecord, Session, goal_states
from backcoach.protocol import Field, Protocol
from backcoach.tui.display import day


def _answer_lines(protocol: Protocol, spec: Field, value: Any, goal_text: dict[str, str]) -> list[str]:
    """One answer as plain lines (user text stays plain: it enters Rich only as Text)."""
    t = spec.type
    if t == "text":
        return str(value).splitlines()
    if t in ("choice", "multi"):
        labels = {o.id: o.label for o in protocol.options(spec)}
        return [labels[v] for v in (value if t == "multi" else [value])]
    if t == "stage":
        return [protocol.guidance.stage(value).label]
    if t == "scale":
        return [f"{value} / {spec.max}"]
    if t == "goal_list":
        parts = {p.id: p.label for p in protocol.guidance.smart_parts}
        lines = []
        for g in value:
            lines.append(f"◆ {g['text']}")
            lines += [f"  {parts[k]}: {v}" for k, v in g["parts"].items()]
        return lines
    if t == "rating_list":
        return [f"{r['item']}: {r['rating']}/{spec.max}" for r in value]
    if t == "goal_review":
        attain = {o.id: o.label for o in spec.attainment}
        decide = {o.id: o.label for o in spec.decisions}
        lines = []
        for r in value:
            what = " · ".join(x for x in (attain.get(r["attainment"]), decide.get(r["decision"])) if x)
            lines.append(f"◆ {goal_text.get(r['goal_id'], '')}: {what}")
            if r["note"]:
                lines.append(f"  {r['note']}")
            if r["revised"]:
                lines.append(f"  → {r['revised']['text']}")
        return lines
    return [str(value)]


def summary_renderable(record: PatientRecord, session: Session, protocol: Protocol) -> RenderableType:
    """The session's answers, phase by phase, component by component."""
    p = record.patient
    goal_text = {g.id: g.goal["text"] for g in goal_states(record, protocol)}
    out: list[RenderableType] = [
        Text.assemble((p.name, "bold"), f" ({p.id}) · {session.kind} · {day(session.started)} · {session.status}"),
        Text(f"{len(session.covered(protocol))} of {len(protocol.components)} components covered"),
    ]
    for phase in protocol.phases:
        out.append(Text(f"\n{phase.title}", style="bold underline"))
        for comp in phase.components:
            answers = session.answers.get(comp.id, {})
            out.append(Text(f"{comp.number}. {comp.title}", style="bold" if answers else "dim"))
            for spec in comp.fields:
                if spec.id in answers:
                    out.append(Padding(Text(spec.label, style="italic"), (0, 0, 0, 2)))
                    lines = _answer_lines(protocol, spec, answers[spec.id], goal_text)
                    out.append(Padding(Text("\n".join(lines)), (0, 0, 0, 4)))
    return Group(*out)


class SummaryScreen(Screen):
    CSS_PATH = "summary.tcss"
    BINDINGS = [
        Binding("escape,h", "home", "Home", tooltip="Back to the patient list", id="summary.home"),
    ]

    def __init__(self, record: PatientRecord, session: Session):
        super().__init__()
        self.record, self.session = record, session

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary"):
            yield Static(summary_renderable(self.record, self.session, self.app.protocol))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#summary").focus()

    def action_home(self) -> None:
        self.app.go_home()
