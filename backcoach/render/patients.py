"""Rich views of patients and sessions for the CLI. User text always enters as Text."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from backcoach.model import PatientRecord
from backcoach.protocol import Protocol
from backcoach.store import IndexEntry


def _date(iso: str | None) -> str:
    return iso[:10] if iso else "—"


def patient_table(entries: list[IndexEntry]) -> Table:
    table = Table(title=f"{len(entries)} patient(s)", title_justify="left")
    for col in ("id", "name", "born", "sessions", "last seen", "status"):
        table.add_column(col)
    for e in entries:
        status = "archived" if e.archived else ("session open" if e.open_session else "")
        born = str(e.born) if e.born else "—"
        table.add_row(Text(e.id), Text(e.name), born, str(e.sessions), _date(e.last_session), status)
    return table


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


def session_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{len(rows)} session(s)", title_justify="left")
    for col in ("patient", "session", "kind", "status", "started", "covered"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            Text(r["patient_id"]),
            r["session_id"],
            r["kind"],
            r["status"],
            r["started"][:16].replace("T", " "),
            f"{r['covered']}/{r['components']}",
        )
    return table


def patient_view(record: PatientRecord, protocol: Protocol) -> Group:
    p = record.patient
    head = Text.assemble((p.name, "bold"), f"  ({p.id})")
    facts = Text(f"born {p.born or '—'} · added {p.created.date()} · {'archived' if p.archived else 'active'}")
    return Group(head, facts, session_table(session_rows([record], protocol)))
