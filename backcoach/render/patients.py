"""Rich views of patients and sessions for the CLI. User text always enters as Text."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from backcoach.model import PatientRecord
from backcoach.protocol import Protocol
from backcoach.render.columns import print_columns
from backcoach.store import IndexEntry
from backcoach.textclean import show_controls


def _date(iso: str | None) -> str:
    return iso[:10] if iso else "—"


def print_patient_list(entries: list[IndexEntry]) -> None:
    rows = []
    for e in entries:
        status = "archived" if e.archived else ("session open" if e.open_session else "")
        rows.append((e.id, e.name, e.born or "—", e.sessions, _date(e.last_session), status))
    print_columns(f"{len(entries)} patient(s)", ("id", "name", "born", "sessions", "last seen", "status"), rows)


def session_rows(records: list[PatientRecord], protocol: Protocol) -> list[dict[str, Any]]:
    rows = []
    for rec in records:
        for s in rec.sessions:
            rows.append(
                {
                    "patient_id": rec.patient.id,
                    "session_id": s.id,
                    "kind": s.kind,
                    "status": s.status,
                    "started": s.started.isoformat(),
                    "ended": s.ended.isoformat() if s.ended else None,
                    "covered": len(s.covered(protocol)),
                    "components": len(protocol.components),
                }
            )
    return rows


SESSION_HEADERS = ("patient", "session", "kind", "status", "started", "covered")


def _session_cells(r: dict[str, Any]) -> tuple:
    started = r["started"][:16].replace("T", " ")
    return (r["patient_id"], r["session_id"], r["kind"], r["status"], started, f"{r['covered']}/{r['components']}")


def print_session_list(rows: list[dict[str, Any]]) -> None:
    print_columns(f"{len(rows)} session(s)", SESSION_HEADERS, [_session_cells(r) for r in rows])


def session_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{len(rows)} session(s)", title_justify="left")
    for col in SESSION_HEADERS:
        table.add_column(col)
    for r in rows:
        table.add_row(*(Text(show_controls(c)) for c in _session_cells(r)))
    return table


def patient_view(record: PatientRecord, protocol: Protocol) -> Group:
    p = record.patient
    head = Text.assemble((p.name, "bold"), f"  ({p.id})")
    facts = Text(f"born {p.born or '—'} · added {p.created.date()} · {'archived' if p.archived else 'active'}")
    return Group(head, facts, session_table(session_rows([record], protocol)))
