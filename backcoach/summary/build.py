"""Builders: a patient record and one of its sessions → a Document (the clinician summary or the handout).

Pure functions, no I/O, no UI. Labels, options, section titles and the handout's wording come from the pack;
the few words here are the app's own headings. With `deidentify`, the patient is named by id, the year of birth
becomes a 10-year age band and dates become days since the first session (free text is left as typed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, assert_never

from backcoach.model import GoalState, PatientRecord, Session, fitting_record, goal_states
from backcoach.protocol import Field, Protocol
from backcoach.summary.document import Chart, Document, Entry, Grid, Item, Section, Series
from backcoach.textclean import show_controls

CLINICIAN_TITLE = "Consultation summary"


@dataclass(frozen=True)
class Dates:
    """How dates are shown: calendar dates, or (de-identified) days since `origin`."""

    origin: date | None = None

    def show(self, when: datetime) -> str:
        if self.origin is None:
            return when.date().isoformat()
        return f"day {(when.date() - self.origin).days}"


def first_day(record: PatientRecord) -> date:
    """Day 0 of a de-identified record: its first session (or the day the patient was added)."""
    return (record.sessions[0].started if record.sessions else record.patient.created).date()


def age_band(born: int, at: date) -> str:
    low = (at.year - born) // 10 * 10
    return f"{low}–{low + 9}"


def _dates(record: PatientRecord, deidentify: bool) -> Dates:
    return Dates(first_day(record) if deidentify else None)


def _v(text: str) -> str:
    """User text as it may appear in a Document: control characters made visible."""
    return show_controls(text)


def _who(record: PatientRecord, deidentify: bool) -> str:
    p = record.patient
    return p.id if deidentify else f"{_v(p.name)} ({p.id})"


def _born(record: PatientRecord, deidentify: bool) -> tuple[str, str] | None:
    born = record.patient.born
    if born is None:
        return None
    return ("Age", age_band(born, first_day(record))) if deidentify else ("Born", str(born))


def _readable(record: PatientRecord, session: Session, protocol: Protocol) -> tuple[PatientRecord, Session]:
    """A copy of the record holding only answers that fit the pack, and the copy of `session` in it: a stored
    file no save has checked (hand-edited, another tool's) may hold values of another shape."""
    copy = fitting_record(PatientRecord(record.patient, _upto(record, session)), protocol)  # later ones unused
    return copy, copy.sessions[-1]


def _upto(record: PatientRecord, session: Session) -> list[Session]:
    """The record's sessions up to and including `session`."""
    index = next(i for i, s in enumerate(record.sessions) if s.id == session.id)
    return record.sessions[: index + 1]


def _latest(sessions: list[Session], component_id: str, field_id: str) -> Any:
    """The newest answer to a field in these sessions."""
    return next((v for s in reversed(sessions) if (v := s.answer(component_id, field_id)) is not None), None)


def _goal_items(protocol: Protocol, goals: list[dict[str, Any]], *, flags: bool) -> tuple[Item, ...]:
    parts = protocol.guidance.smart_parts
    items = []
    for goal in goals:
        # one line each: the goal's words and its parts are matched apart, never one's pain word with another's aim
        found = protocol.guidance.pain_focus.flags("\n".join([goal["text"], *goal["parts"].values()]))
        flag = "pain-focused: " + ", ".join(f'"{p}"' for p in found) if flags and found else ""
        children = tuple(Item(_v(goal["parts"][p.id]), label=p.label) for p in parts if p.id in goal["parts"])
        items.append(Item(_v(goal["text"]) or "—", flag=flag, children=children))
    return tuple(items)


def _option_label(protocol: Protocol, spec: Field, value: str) -> str:
    """An option's label; the bare id if the pack in use no longer has that option."""
    return next((o.label for o in protocol.options(spec) if o.id == value), _v(value))


def _scale_text(spec: Field, value: int) -> str:
    ends = f": {spec.min} {spec.min_label} … {spec.max} {spec.max_label}" if spec.min_label else ""
    return f"{value} (scale {spec.min}–{spec.max}{ends})"


def _review_items(spec: Field, reviews: list[dict[str, Any]], goals: dict[str, GoalState]) -> tuple[Item, ...]:
    attainment = {o.id: o for o in spec.attainment}
    decisions = {o.id: o.label for o in spec.decisions}
    items = []
    for review in reviews:
        state = goals.get(review["goal_id"])
        children = []
        if review["attainment"]:
            children.append(Item(attainment[review["attainment"]].label))
        if review["note"]:
            prompt = attainment[review["attainment"]].prompt if review["attainment"] else ""
            children.append(Item(_v(review["note"]), label=prompt))
        if review["decision"]:
            children.append(Item(decisions[review["decision"]]))
        if review["revised"]:
            children.append(Item("→ " + _v(review["revised"]["text"])))
        items.append(Item(_v(state.goal["text"] if state else review["goal_id"]), children=tuple(children)))
    return tuple(items)


def _clinician_entry(
    protocol: Protocol, spec: Field, value: Any, goals: dict[str, GoalState], given: dict[str, Any]
) -> Entry:
    """One answer as the clinician reads it; `given` holds the component's other answers (a scale paired with an
    earlier one shows the change: "before → after: 7 → 4 (-3)")."""
    t = spec.type
    match t:
        case "text":
            return Entry(spec.label, text=_v(value))
        case "choice":
            return Entry(spec.label, text=_option_label(protocol, spec, value))
        case "stage":
            return Entry(spec.label, text=next((s.label for s in protocol.guidance.stages if s.id == value), value))
        case "multi" if spec.options_from == "red_flags":
            return Entry(spec.label, items=_red_flags_gone_through(protocol, value))
        case "multi":
            return Entry(spec.label, items=tuple(Item(o.label) for o in protocol.options(spec) if o.id in value))
        case "scale":
            first = given.get(spec.before) if spec.before else None
            change = f" · before → after: {first} → {value} ({value - first:+d})" if first is not None else ""
            return Entry(spec.label, text=_scale_text(spec, value) + change)
        case "goal_list":
            return Entry(spec.label, items=_goal_items(protocol, value, flags=True))
        case "rating_list":
            items = tuple(Item(f"{_v(r['item'])}: {rating_text(r['rating'], spec.max)}") for r in value)
            return Entry(spec.label, items=items)
        case "goal_review":
            return Entry(spec.label, items=_review_items(spec, value, goals))
        case _:
            assert_never(t)


def _red_flags_gone_through(protocol: Protocol, value: list[str]) -> tuple[Item, ...]:
    """The warning signs gone through, by tier, most urgent first: each tier with how many of its signs were gone
    through, and those signs (clinician labels)."""
    items = []
    for tier, flags in protocol.guidance.red_flags_by_tier():
        done = [f for f in flags if f.id in value]
        head = f"{len(done)} of {len(flags)} gone through"
        items.append(Item(head, label=f"{tier.marker} – {tier.label}", children=tuple(Item(f.label) for f in done)))
    return tuple(items)


def _answers(protocol: Protocol, record: PatientRecord, session: Session) -> list[Section]:
    goals = {g.id: g for g in goal_states(record, protocol, upto=session)}
    sections = []
    for phase in protocol.phases:
        comps = []
        for comp in phase.components:
            given = session.answers.get(comp.id, {})
            entries = tuple(
                _clinician_entry(protocol, f, given[f.id], goals, given) for f in comp.fields if f.id in given
            )
            if entries:
                comps.append(Section(f"{comp.number}. {comp.title}", 2, entries))
        if comps:
            sections.append(Section(phase.title, 1))
            sections.extend(comps)
    return sections


def _coverage(protocol: Protocol, session: Session) -> Section:
    rows = tuple((str(c.number), c.title, session.component_status(protocol, c.id)) for c in protocol.components)
    return Section("Coverage", 1, (Grid(("#", "Component", "Status"), rows),))


def _attainment_grid(protocol: Protocol, states: list[GoalState], session: Session, dates: Dates) -> Grid | None:
    review_fields = protocol.fields_of_type("goal_review")
    if not review_fields:
        return None
    spec = review_fields[0][1]
    labels: dict[str | None, str] = {o.id: o.label for o in spec.attainment}  # looked up by attainment or None
    decisions: dict[str | None, str] = {o.id: o.label for o in spec.decisions}
    rows = []
    for state in states:
        if state.set_in == session.id:
            continue
        history = " → ".join(labels.get(e.attainment, "—") for e in state.history)
        last = state.history[-1].decision if state.history else None
        was = next((e.previous_text for e in state.history if e.previous_text), None)
        goal = _v(state.goal["text"]) + (f" (was: {_v(was)})" if was else "")
        rows.append((goal, dates.show(state.set_on), history or "—", decisions.get(last, "—")))
    return Grid(("Goal", "Set", "Attainment", "Decision"), tuple(rows)) if rows else None


def rating_text(rating: int | None, out_of: int | None = None) -> str:
    """A rated item's rating as shown everywhere; an item named but not rated yet says so."""
    if rating is None:
        return "not rated"
    return f"{rating}/{out_of}" if out_of else str(rating)


def _rating_grid(spec: Field, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> Grid:
    old = {r["id"]: r for r in before}
    new = {r["id"]: r for r in after}
    rows = []
    for rid in [*old, *(i for i in new if i not in old)]:
        b, a = old.get(rid), new.get(rid)
        change = "—"
        if a and b and a["rating"] is not None and b["rating"] is not None:
            change = f"{a['rating'] - b['rating']:+d}"
        item = _v(a["item"] if a is not None else old[rid]["item"])  # rid is new's, else old's
        rows.append((item, rating_text(b["rating"]) if b else "—", rating_text(a["rating"]) if a else "—", change))
    return Grid((spec.item_label or spec.label, "Before", "After", "Change"), tuple(rows))


def _chart(protocol: Protocol, sessions: list[Session]) -> Chart | None:
    series = []
    for comp, spec in protocol.fields_of_type("rating_list"):
        labels: dict[str, str] = {}
        for s in sessions:
            for r in s.answer(comp.id, spec.id, []) or []:
                labels[r["id"]] = r["item"]
        for rid, label in labels.items():
            values = tuple(
                next((r["rating"] for r in s.answer(comp.id, spec.id, []) or [] if r["id"] == rid), None)
                for s in sessions
            )
            series.append(Series(_v(label), values, spec.min, spec.max))
    for comp, spec in protocol.fields_of_type("scale"):
        values = tuple(s.answer(comp.id, spec.id) for s in sessions)
        if any(v is not None for v in values):
            series.append(Series(spec.label, values, spec.min, spec.max))
    return Chart(tuple(series)) if series else None


def _changes(protocol: Protocol, record: PatientRecord, session: Session, dates: Dates) -> list[Section]:
    sessions = _upto(record, session)
    if len(sessions) < 2:
        return []
    out = [Section("Since the last session", 1)]
    states = goal_states(PatientRecord(record.patient, sessions), protocol)
    attainment = _attainment_grid(protocol, states, session, dates)
    if attainment:
        out.append(Section("Goal attainment", 2, (attainment,)))
    for comp, spec in protocol.fields_of_type("rating_list"):
        before = _latest(sessions[:-1], comp.id, spec.id) or []
        after = session.answer(comp.id, spec.id) or []
        if before or after:
            out.append(Section(spec.label, 2, (_rating_grid(spec, before, after),)))
    chart = _chart(protocol, sessions)
    if chart:
        dated = Entry(text=" · ".join(dates.show(s.started) for s in sessions))
        out.append(Section("Across sessions", 2, (dated, chart)))
    return out if len(out) > 1 else []


def clinician_summary(
    record: PatientRecord, session: Session, protocol: Protocol, *, deidentify: bool = False
) -> Document:
    """Everything recorded in one session, for the clinician's notes, with changes since the last session."""
    record, session = _readable(record, session, protocol)
    dates = _dates(record, deidentify)
    covered = session.covered(protocol)
    facts = [("Patient", _who(record, deidentify))]
    if born := _born(record, deidentify):
        facts.append(born)
    facts += [
        ("Session", f"{_v(session.id)} · {session.kind} · {session.status}"),
        ("Date", dates.show(session.started)),
        ("Protocol", _v(f"{session.protocol_id} {session.protocol_version}")),
        ("Coverage", f"{len(covered)} of {len(protocol.components)} components addressed"),
    ]
    sections = [
        _coverage(protocol, session),
        *_answers(protocol, record, session),
        *_changes(protocol, record, session, dates),
    ]
    return Document(
        CLINICIAN_TITLE, protocol.language, subtitle=protocol.title, facts=tuple(facts), sections=tuple(sections)
    )


# --- the patient's handout ------------------------------------------------------------------------------------


def _handout_entry(protocol: Protocol, spec: Field, value: Any, goals: list[GoalState]) -> Entry | None:
    t = spec.type
    match t:
        case "goal_list":
            items = _goal_items(protocol, [g.goal for g in goals if g.active], flags=False)
            return Entry(items=items) if items else None
        case "text" if value:
            return Entry(spec.handout_label, text=_v(value))
        case "multi" if spec.options_from == "red_flags":  # the handout gives them a section per tier
            return None
        case "multi" if value:
            return Entry(items=tuple(Item(o.text, label=o.label) for o in protocol.options(spec) if o.id in value))
        case "choice" if value:
            return Entry(spec.handout_label, text=_option_label(protocol, spec, value))
        case "scale" if value is not None:
            return Entry(spec.handout_label or spec.label, text=_scale_text(spec, value))
        case "rating_list" if value:
            return Entry(items=tuple(Item(_v(r["item"])) for r in value))
        case "text" | "multi" | "choice" | "scale" | "rating_list":  # not answered
            return None
        case "stage" | "goal_review":  # clinical only
            return None
        case _:
            assert_never(t)


def _warning_sign_sections(protocol: Protocol, section_id: str) -> list[Section]:
    """Every warning sign of the pack, gone through or not, in the patient's words: a heading per tier, most urgent
    first (the heading is the pack's, e.g. "EMERGENCY: go to a hospital emergency department now"), what to do,
    then the signs."""
    if not any(s.options_from == "red_flags" and s.handout == section_id for _, s in protocol.fields_of_type("multi")):
        return []
    tiers = protocol.guidance.red_flags_by_tier()
    return [
        Section(
            tier.lay_heading,
            2,
            (Entry(text=tier.lay_action), Entry(items=tuple(Item(f.lay) for f in flags))),
            alert=tier == protocol.guidance.red_flag_tiers[0],  # the most urgent tier
        )
        for tier, flags in tiers
    ]


def patient_handout(
    record: PatientRecord, session: Session, protocol: Protocol, *, deidentify: bool = False
) -> Document:
    """The one-page plan the patient takes home: the pack's handout sections, each field's newest answer up to
    this session (a follow-up that changed only the flare-up plan still hands over the whole plan)."""
    record, session = _readable(record, session, protocol)
    dates = _dates(record, deidentify)
    sessions = _upto(record, session)
    goals = goal_states(PatientRecord(record.patient, sessions), protocol)
    sections = []
    for section in protocol.handout.sections:
        entries = [
            _handout_entry(protocol, spec, _latest(sessions, comp.id, spec.id), goals)
            for comp in protocol.components
            for spec in comp.fields
            if spec.handout == section.id
        ]
        blocks = tuple(e for e in entries if e)
        warning_signs = _warning_sign_sections(protocol, section.id)
        if blocks or warning_signs:
            sections.append(Section(section.title, 1, blocks))
            sections.extend(warning_signs)
    name = record.patient.id if deidentify else _v(record.patient.name)
    return Document(
        protocol.handout.title,
        protocol.language,
        subtitle=f"{name} · {dates.show(session.started)}",
        intro=protocol.handout.intro,
        sections=tuple(sections),
    )
