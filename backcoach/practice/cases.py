"""Case packs: simulated patients for practice, as validated, frozen data.

A case is a TOML file (the shipped ones are seeds/cases/*.toml). It is read as strictly as a protocol pack, and
every reference into the protocol (component ids, How/Why indexes, field ids, option ids) is checked, so a broken
case fails with one line naming the file, the key path and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from backcoach.errors import BackcoachError, UsageError
from backcoach.model import normalise_answer
from backcoach.protocol import Component, FieldType, PackReader, Protocol, read_pack, seed_file

CHECKS = ("asked", "answered", "unanswered", "chose", "goals", "reviewed")
CASES_DIR = "cases"
MAX_CASE_ID = 40  # attempt ids are '<case id>-<6 characters>' and patient ids allow 64
_CHOICE_TYPES: tuple[FieldType, ...] = ("choice", "multi", "stage")

# Which optional keys each kind of rubric check takes ("field" is required where marked).
_CHECK_KEYS: dict[str, tuple[str, ...]] = {
    "asked": ("how",),
    "answered": ("field",),
    "unanswered": ("field",),
    "chose": ("field", "any_of", "all_of", "none_of"),
    "goals": ("field", "min", "parts"),
    "reviewed": ("field",),
}
_FIELD_REQUIRED = ("unanswered", "chose")
_FIELD_TYPE: dict[str, FieldType] = {"goals": "goal_list", "reviewed": "goal_review"}


@dataclass(frozen=True)
class SimulatedPatient:
    name: str
    age: int
    background: str
    opening: str


@dataclass(frozen=True)
class Response:
    """What the simulated patient says when the student asks one How bullet."""

    component: str
    how: int
    text: str


@dataclass(frozen=True)
class RubricItem:
    """One thing the student should do, and how it is detected in the attempt (see practice.scoring)."""

    id: str
    component: str
    label: str
    check: str
    critical: bool = False
    how: int | None = None
    field: str = ""
    any_of: tuple[str, ...] = ()
    all_of: tuple[str, ...] = ()
    none_of: tuple[str, ...] = ()
    min: int = 1  # goals: how many goals at least (0: only that any goals set are not about pain)
    parts: tuple[str, ...] = ()
    why: tuple[int, ...] = ()  # indexes into the component's Why bullets; empty means all of them
    feedback: str = ""  # the teaching point shown when the item is missed


@dataclass(frozen=True)
class EarlierAnswer:
    component: str
    field: str
    value: Any  # already normalised by model.normalise_answer


@dataclass(frozen=True)
class EarlierSession:
    """A session before the practice one (for follow-up cases), loaded into the attempt as a real Session."""

    days_ago: int
    answers: tuple[EarlierAnswer, ...]


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    tests: str
    protocol: str
    pass_share: float
    fallback: str
    patient: SimulatedPatient
    responses: tuple[Response, ...]
    rubric: tuple[RubricItem, ...]
    earlier_sessions: tuple[EarlierSession, ...] = ()
    sources: tuple[str, ...] = ()
    file: str = ""  # the pack's absolute path when loaded from a file; empty for a shipped case

    @property
    def follow_up(self) -> bool:
        return bool(self.earlier_sessions)

    def response(self, component_id: str, how_index: int) -> str:
        """The simulated patient's answer to one How bullet (the case's fallback when it has none)."""
        for r in self.responses:
            if r.component == component_id and r.how == how_index:
                return r.text
        return self.fallback


def _component(r: PackReader, protocol: Protocol, component_id: str, path: str) -> Component:
    try:
        return protocol.component(component_id)
    except StopIteration:
        raise r.fail(path, f"no component {component_id!r} in protocol {protocol.id!r}") from None


def _index(r: PackReader, value: int, size: int, path: str, what: str) -> int:
    if not 0 <= value < size:
        raise r.fail(path, f"{what} index {value} is out of range (valid: 0 to {size - 1})")
    return value


def _patient(r: PackReader, raw: Any) -> SimulatedPatient:
    t = r.table(raw, "patient", {"name": str, "age": int, "background": str, "opening": str})
    if not 16 <= t["age"] <= 110:
        raise r.fail("patient.age", f"age {t['age']} is not between 16 and 110")
    return SimulatedPatient(**t)


def _responses(r: PackReader, protocol: Protocol, values: list[Any]) -> tuple[Response, ...]:
    out: list[Response] = []
    for i, raw in enumerate(values):
        p = f"responses[{i}]"
        t = r.table(raw, p, {"component": str, "how": int, "text": str})
        comp = _component(r, protocol, t["component"], f"{p}.component")
        _index(r, t["how"], len(comp.how), f"{p}.how", "How")
        if any(o.component == comp.id and o.how == t["how"] for o in out):
            raise r.fail(p, f"a second response to {comp.id} How [{t['how']}]")
        out.append(Response(**t))
    return tuple(out)


def _option_ids(protocol: Protocol, comp: Component, field_id: str) -> list[str]:
    spec = comp.field(field_id)
    if spec.type == "stage":
        return [s.id for s in protocol.guidance.stages]
    return [o.id for o in protocol.options(spec)]


def _item(r: PackReader, protocol: Protocol, raw: Any, path: str) -> RubricItem:
    t = r.table(
        raw,
        path,
        {"id": str, "component": str, "label": str, "check": str},
        {
            "critical": (bool, False),
            "how": (int, None),
            "field": (str, ""),
            "any_of": (list, None),
            "all_of": (list, None),
            "none_of": (list, None),
            "min": (int, None),
            "parts": (list, None),
            "why": (list, None),
            "feedback": (str, ""),
        },
    )
    r.ident(t["id"], f"{path}.id")
    comp = _component(r, protocol, t["component"], f"{path}.component")
    check = t["check"]
    if check not in CHECKS:
        raise r.fail(f"{path}.check", f"unknown check {check!r} (expected one of: {', '.join(CHECKS)})")
    allowed = _CHECK_KEYS[check]
    for key in ("how", "field", "any_of", "all_of", "none_of", "min", "parts"):
        if key not in allowed and t[key] not in (None, ""):
            raise r.fail(f"{path}.{key}", f"not used by a {check!r} check")
    if check == "asked":
        if t["how"] is None:
            raise r.fail(f"{path}.how", "missing (an 'asked' check names the How bullet by index)")
        _index(r, t["how"], len(comp.how), f"{path}.how", "How")
    field_id = t["field"]
    if not field_id and check in _FIELD_REQUIRED:
        raise r.fail(f"{path}.field", f"missing (a {check!r} check names a field)")
    if not field_id and check in _FIELD_TYPE:
        typed = [f.id for f in comp.fields if f.type == _FIELD_TYPE[check]]
        if len(typed) != 1:
            raise r.fail(f"{path}.field", f"missing ({comp.id} has {len(typed)} {_FIELD_TYPE[check]} fields)")
        field_id = typed[0]
    if field_id:
        if field_id not in {f.id for f in comp.fields}:
            raise r.fail(f"{path}.field", f"no field {field_id!r} in {comp.id}")
        ftype = comp.field(field_id).type
        wanted = _CHOICE_TYPES if check == "chose" else (_FIELD_TYPE[check],) if check in _FIELD_TYPE else None
        if wanted and ftype not in wanted:
            raise r.fail(
                f"{path}.field", f"{comp.id}.{field_id} is a {ftype} field; a {check!r} check needs {'/'.join(wanted)}"
            )
    choices = {}
    for key in ("any_of", "all_of", "none_of"):
        values = r.strings(t[key], f"{path}.{key}") if t[key] is not None else ()
        if values and comp.field(field_id).type == "multi":  # ids an older pack used (split, renamed) → the new ones
            values = tuple(protocol.forward(comp.field(field_id), list(values)))
        known = _option_ids(protocol, comp, field_id) if values else []
        for j, v in enumerate(values):
            if v not in known:
                raise r.fail(
                    f"{path}.{key}[{j}]", f"{v!r} is not an option of {comp.id}.{field_id} ({', '.join(known)})"
                )
        choices[key] = values
    if check == "chose" and not any(choices.values()):
        raise r.fail(path, "a 'chose' check needs any_of, all_of or none_of")
    if t["min"] is not None and t["min"] < 0:
        raise r.fail(f"{path}.min", "must be 0 or more")
    parts = r.strings(t["parts"], f"{path}.parts") if t["parts"] is not None else ()
    smart_ids = [p.id for p in protocol.guidance.smart_parts]
    for j, part in enumerate(parts):
        if part not in smart_ids:
            raise r.fail(f"{path}.parts[{j}]", f"{part!r} is not a SMART part ({', '.join(smart_ids)})")
    why = tuple(
        _index(r, r.typed(w, f"{path}.why[{j}]", int), len(comp.why), f"{path}.why[{j}]", "Why")
        for j, w in enumerate(t["why"] or ())
    )
    return RubricItem(
        id=t["id"],
        component=comp.id,
        label=t["label"],
        check=check,
        critical=t["critical"],
        how=t["how"],
        field=field_id,
        min=1 if t["min"] is None else t["min"],
        parts=parts,
        why=why,
        feedback=t["feedback"],
        **choices,
    )


def _earlier(r: PackReader, protocol: Protocol, values: list[Any]) -> tuple[EarlierSession, ...]:
    sessions: list[EarlierSession] = []
    for i, raw in enumerate(values):
        p = f"earlier_sessions[{i}]"
        t = r.table(raw, p, {"days_ago": int, "answers": list})
        if t["days_ago"] < 1:
            raise r.fail(f"{p}.days_ago", "must be 1 or more")
        if sessions and t["days_ago"] >= sessions[-1].days_ago:
            raise r.fail(f"{p}.days_ago", "earlier sessions must be listed oldest first")
        answers = []
        for j, raw_answer in enumerate(t["answers"]):
            ap = f"{p}.answers[{j}]"
            a = r.table(raw_answer, ap, {"component": str, "field": str, "value": object})
            comp = _component(r, protocol, a["component"], f"{ap}.component")
            if a["field"] not in {f.id for f in comp.fields}:
                raise r.fail(f"{ap}.field", f"no field {a['field']!r} in {comp.id}")
            try:
                value = normalise_answer(protocol, comp.field(a["field"]), a["value"])
            except BackcoachError as exc:
                raise r.fail(f"{ap}.value", str(exc)) from None
            if value is None:
                raise r.fail(f"{ap}.value", "empty")
            answers.append(EarlierAnswer(comp.id, a["field"], value))
        sessions.append(EarlierSession(t["days_ago"], tuple(answers)))
    return tuple(sessions)


def _earlier_goal_ids(protocol: Protocol, earlier: tuple[EarlierSession, ...]) -> set[str]:
    goal_fields = {(c.id, f.id) for c, f in protocol.fields_of_type("goal_list")}
    return {g["id"] for s in earlier for a in s.answers if (a.component, a.field) in goal_fields for g in a.value}


def parse_case(text: str, source: str, protocol: Protocol) -> Case:
    """Validate the TOML text of a case pack against `protocol`; `source` names it in error messages."""
    r = PackReader(source)
    top = r.table(
        r.toml(text),
        "",
        {
            "id": str,
            "title": str,
            "tests": str,
            "protocol": str,
            "pass_share": float,
            "fallback": str,
            "patient": dict,
            "responses": list,
            "rubric": list,
        },
        {"sources": (list, None), "earlier_sessions": (list, None)},
    )
    r.ident(top["id"], "id")
    if len(top["id"]) > MAX_CASE_ID:
        raise r.fail("id", f"is {len(top['id'])} characters; the limit is {MAX_CASE_ID}")
    if top["protocol"] != protocol.id:
        raise r.fail(
            "protocol", f"written for protocol {top['protocol']!r}, but the protocol in use is {protocol.id!r}"
        )
    if not 0 <= top["pass_share"] <= 1:
        raise r.fail("pass_share", f"{top['pass_share']} is not a share between 0 and 1")
    responses = _responses(r, protocol, top["responses"])
    rubric = tuple(_item(r, protocol, raw, f"rubric[{i}]") for i, raw in enumerate(top["rubric"]))
    r.unique(list(rubric), "rubric")
    earlier = _earlier(r, protocol, top["earlier_sessions"] or [])
    for i, item in enumerate(rubric):
        p = f"rubric[{i}]"
        if item.check == "asked" and not any(x.component == item.component and x.how == item.how for x in responses):
            raise r.fail(f"{p}.how", f"no response to {item.component} How [{item.how}], which this item asks for")
        if item.check == "reviewed" and not _earlier_goal_ids(protocol, earlier):
            raise r.fail(f"{p}.check", "a 'reviewed' check needs goals set in earlier_sessions")
    return Case(
        id=top["id"],
        title=top["title"],
        tests=top["tests"],
        protocol=top["protocol"],
        pass_share=float(top["pass_share"]),
        fallback=top["fallback"],
        patient=_patient(r, top["patient"]),
        responses=responses,
        rubric=rubric,
        earlier_sessions=earlier,
        sources=r.strings(top["sources"], "sources") if top["sources"] is not None else (),
    )


def load_case(path: Path, protocol: Protocol) -> Case:
    return replace(parse_case(read_pack(path), str(path), protocol), file=str(Path(path).resolve()))


def shipped_cases(protocol: Protocol) -> list[Case]:
    """Every case in seeds/cases, in file-name order."""
    folder = seed_file(CASES_DIR)
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".toml")), key=lambda e: e.name)
    return [parse_case(e.read_text(encoding="utf-8"), f"{CASES_DIR}/{e.name}", protocol) for e in entries]


def find_case(name: str, protocol: Protocol) -> Case:
    """A shipped case by id, or a case file by path (how `practice run` and reports find a case)."""
    for case in shipped_cases(protocol):
        if case.id == name:
            return case
    if name.endswith(".toml") or Path(name).exists():
        return load_case(Path(name), protocol)
    raise UsageError(f"no case {name!r} (see `backcoach practice list`)")
