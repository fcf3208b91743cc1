"""Protocol packs: Table 1 and its guidance as validated, frozen data.

A pack is a TOML file (the shipped one is seeds/protocol/table1.en.toml). Loading checks every key strictly, so a
clinic's translated or extended pack fails with one line naming the file, the key path and what is wrong.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal, get_args

from backcoach.errors import PackError
from backcoach.pain_focus import LISTS, MAX_WINDOW, PainMatcher, pattern_problem
from backcoach.textclean import first_unsafe

CORRECTION_KINDS = ("typo", "punctuation")
_PLACE = re.compile(r"title|(how|why)\[(\d+)\]")  # where in a component a correction is: its title, a How or Why
# The kinds of answer field a pack can declare. Every place that acts on a field by its type (the model's checks,
# the summary, the demo, the plain prompts and display, the TUI's widgets and guidance) matches on this Literal and
# ends in `assert_never`: a new type fails `make lint` (mypy) until each of them handles it.
FieldType = Literal["text", "choice", "multi", "scale", "goal_list", "stage", "rating_list", "goal_review"]
FIELD_TYPES: tuple[FieldType, ...] = get_args(FieldType)
OPTION_SOURCES = ("key_messages", "strategies", "red_flags")
ATTAINMENT_IDS = ("achieved", "partly", "not_at_all")
DECISION_IDS = ("keep", "adjust", "close")
BUILTIN_PACK = ("protocol", "table1.en.toml")
# Bounds on what a pack can ask of the app: every screen, prompt and export draws what a pack holds, so a pack must
# not make them draw a billion scale points or a million options. The shipped packs are far inside them.
MAX_PACK_BYTES = 1024 * 1024  # the shipped Table 1 pack is 22 KB, a case pack 10 KB
MAX_TEXT_CHARS = 8000  # one text of a pack (the longest shipped: 700)
MAX_LIST_ITEMS = 200  # one list of a pack (the longest shipped: 25)
MAX_NUMBER = 1_000_000  # any number in a pack, either sign
SCALE_BOUND = 100  # a scale's min and max lie in -100 … 100
MAX_SCALE_POINTS = 21  # and it has at most 21 points (max - min ≤ 20): each is drawn and keyed
_ID = re.compile(r"[a-z][a-z0-9_]*")  # whole ids only: always fullmatch


@dataclass(frozen=True)
class Option:
    """One choice of a field, or one item of a guidance list (id and label, with optional prompt, text, source)."""

    id: str
    label: str
    prompt: str = ""
    text: str = ""
    source: str = ""


@dataclass(frozen=True)
class Source:
    """A named, dated source with its address (the warning signs cite these)."""

    id: str
    name: str
    year: str
    url: str

    def cite(self) -> str:
        return f"{self.name} ({self.year}). {self.url}"


@dataclass(frozen=True)
class Tier:
    """How urgent a warning sign is: what the clinician does, and the heading and action the patient reads."""

    id: str
    label: str
    marker: str
    action: str
    lay_heading: str
    lay_action: str


@dataclass(frozen=True)
class RedFlag(Option):
    """A warning sign: the clinician's label, its tier, the patient's words for it (`lay`) and its sources."""

    tier: str = ""
    lay: str = ""
    detail: str = ""  # the clinician's fuller description, beside the short label that fits one checklist line
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Field:
    """One answer field of a component; `type` is one of FIELD_TYPES and decides which other attributes apply."""

    id: str
    type: FieldType
    label: str
    help: str = ""
    options: tuple[Option, ...] = ()
    options_from: str = ""
    min: int = 0
    max: int = 10
    min_label: str = ""
    max_label: str = ""
    item_label: str = ""
    handout: str = ""
    handout_label: str = ""  # the words before the answer on the handout (the clinician's label is not shown there)
    before: str = ""  # a scale: the id of the scale of its component it is the "after" of (fear before → after)
    attainment: tuple[Option, ...] = ()
    decisions: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Component:
    """One of Table 1's ten components: its How? and Why? and the fields that capture its answers."""

    id: str
    number: int
    title: str
    how: tuple[str, ...]
    why: tuple[str, ...]
    fields: tuple[Field, ...]

    def field(self, field_id: str) -> Field:
        return next(f for f in self.fields if f.id == field_id)


@dataclass(frozen=True)
class Phase:
    """Planning, Delivery or Evaluation, with its components in order."""

    id: str
    title: str
    components: tuple[Component, ...]


@dataclass(frozen=True)
class Stage:
    """A stage of change, with how the clinician can address it."""

    id: str
    label: str
    description: str
    address: str
    source: str


@dataclass(frozen=True)
class PainFocus:
    """What marks a goal as pain-focused (the pack's word lists, matched by backcoach.pain_focus), and the hint to
    reframe it as a valued activity. `phrases` are fixed phrases (all that packs before 1.2.0 had)."""

    hint: str
    source: str
    phrases: tuple[str, ...] = ()
    matched: str = "({found})"  # what leads the hint: {found} is the goal's matched words, each in quotes
    window: int = 5
    pain_words: tuple[str, ...] = ()
    score_words: tuple[str, ...] = ()
    aims: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    concessions: tuple[str, ...] = ()
    breaks: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @cached_property
    def _matcher(self) -> PainMatcher:  # compiled on first use; not a field, so never in to_dict()
        lists = {k: getattr(self, k) for k in LISTS}
        return PainMatcher(window=self.window, **lists)

    def flags(self, goal_text: str) -> tuple[str, ...]:
        """The goal's words that make it pain-focused, in its order ("pain … gone", "less stiff"); empty if none."""
        return self._matcher.find(goal_text)

    def message(self, found: tuple[str, ...]) -> str:
        """What in the goal the hint is about, then the hint ('This goal is about pain: "pain … gone". Consider …')."""
        quoted = ", ".join(f'"{f}"' for f in found)
        return f"{self.matched.replace('{found}', quoted)} {self.hint}" if found else self.hint


@dataclass(frozen=True)
class Guidance:
    """The pack's guidance beside the form: stages of change, SMART parts, pain focus and the option lists."""

    stages: tuple[Stage, ...]
    stages_source: str
    smart_parts: tuple[Option, ...]
    smart_source: str
    pain_focus: PainFocus
    key_messages: tuple[Option, ...]
    strategies: tuple[Option, ...]
    red_flags: tuple[RedFlag, ...]  # most urgent tier first, pack order within a tier
    red_flags_source: str
    red_flag_tiers: tuple[Tier, ...] = ()  # most urgent first
    red_flags_moved: dict[str, tuple[str, ...]] = dataclass_field(default_factory=dict)  # old id → its new ids
    red_flag_choices: tuple[Option, ...] = ()  # the checklist's options: the tier's marker before each label

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.stages if s.id == stage_id)

    def tier(self, tier_id: str) -> Tier:
        return next(t for t in self.red_flag_tiers if t.id == tier_id)

    def red_flags_by_tier(self) -> tuple[tuple[Tier, tuple[RedFlag, ...]], ...]:
        """The warning signs grouped by tier, most urgent first (tiers without signs left out)."""
        groups = ((t, tuple(f for f in self.red_flags if f.tier == t.id)) for t in self.red_flag_tiers)
        return tuple((t, flags) for t, flags in groups if flags)

    def red_flag_sources(self) -> tuple[Source, ...]:
        """Every source the warning signs cite, once each, in the order first cited."""
        return tuple({s.id: s for f in self.red_flags for s in f.sources}.values())


@dataclass(frozen=True)
class HandoutSection:
    """A section of the patient's handout; fields name the section their answers go to."""

    id: str
    title: str


@dataclass(frozen=True)
class Handout:
    """The patient's handout: its title, introduction and sections."""

    title: str
    intro: str
    sections: tuple[HandoutSection, ...]


@dataclass(frozen=True)
class Correction:
    """A place where the pack's How/Why text corrects its source table (a typo, a colon, a full stop), so that "word
    for word" stays honest: `pack_text` in the pack stands for `source_text` in the source."""

    component: str
    where: str  # "title", "how[1]", "why[0]"
    source_text: str
    pack_text: str
    kind: str  # one of CORRECTION_KINDS


@dataclass(frozen=True)
class Protocol:
    """A whole validated pack: its phases, guidance and handout."""

    id: str
    version: str
    language: str
    title: str
    source: str
    phases: tuple[Phase, ...]
    guidance: Guidance
    handout: Handout
    corrections: tuple[Correction, ...] = ()

    @property
    def components(self) -> tuple[Component, ...]:
        return tuple(c for phase in self.phases for c in phase.components)

    def component(self, component_id: str) -> Component:
        return next(c for c in self.components if c.id == component_id)

    def phase_of(self, component_id: str) -> Phase:
        return next(p for p in self.phases if any(c.id == component_id for c in p.components))

    def options(self, field: Field) -> tuple[Option, ...]:
        """A field's options, resolving `options_from` to the guidance list it names (for the warning signs: the
        checklist's choices, each label led by its tier's marker)."""
        if field.options_from == "red_flags":
            return self.guidance.red_flag_choices
        return getattr(self.guidance, field.options_from) if field.options_from else field.options

    def forward(self, field: Field, ids: list[str]) -> list[str]:
        """Option ids as this pack names them: an id the pack has moved (split or renamed) becomes its new ids.

        The one place stored answers written with an older pack are mapped forward (the model calls it whenever it
        checks an answer, so every front end, summary and export sees the new ids)."""
        moved = self.guidance.red_flags_moved if field.options_from == "red_flags" else {}
        out = [new for old in ids for new in (moved.get(old, (old,)) if isinstance(old, str) else (old,))]
        return list(dict.fromkeys(out)) if moved else out

    def fields_of_type(self, field_type: FieldType) -> list[tuple[Component, Field]]:
        return [(c, f) for c in self.components for f in c.fields if f.type == field_type]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class PackReader:
    """Strict reading of one TOML table: known keys only, typed values, errors with the key path.

    Shared by every pack format (protocol packs, practice case packs) so their errors read the same.
    """

    def __init__(self, source: str):
        self.source = source

    def fail(self, path: str, problem: str) -> PackError:
        return PackError(self.source, path, problem)

    def toml(self, text: str) -> dict[str, Any]:
        if len(text) > MAX_PACK_BYTES:
            raise self.fail("", f"too large: a pack is at most {MAX_PACK_BYTES // 1024} KiB")
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise self.fail("", f"invalid TOML: {exc}") from None
        except RecursionError:  # arrays or tables nested thousands deep
            raise self.fail("", "invalid TOML: nested too deeply") from None
        except ValueError as exc:  # an integer of thousands of digits (Python's int conversion limit)
            raise self.fail("", f"invalid TOML: {str(exc).split(';')[0]}") from None

    def table(
        self, value: Any, path: str, required: dict[str, type], optional: dict[str, tuple[type, Any]] | None = None
    ) -> dict[str, Any]:
        optional = optional or {}
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a table, got {_kind(value)}")
        for key in value:
            if key not in required and key not in optional:
                raise self.fail(_join(path, key), "unknown key")
        out: dict[str, Any] = {}
        for key, kind in required.items():
            if key not in value:
                raise self.fail(_join(path, key), "missing")
            out[key] = self.typed(value[key], _join(path, key), kind)
        for key, (kind, default) in optional.items():
            out[key] = self.typed(value[key], _join(path, key), kind) if key in value else default
        return out

    def typed(self, value: Any, path: str, kind: type) -> Any:
        if kind is str:
            if not isinstance(value, str) or not value.strip():
                raise self.fail(path, f"expected non-empty text, got {_kind(value)}")
            if unsafe := first_unsafe(value):  # pack text reaches terminals, prompts and exports as it is
                raise self.fail(path, f"contains a control character ({unsafe})")
            if len(value) > MAX_TEXT_CHARS:
                raise self.fail(path, f"is {len(value)} characters long; the limit is {MAX_TEXT_CHARS}")
        elif kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise self.fail(path, f"expected a whole number, got {_kind(value)}")
            self.bounded(value, path)
        elif kind is float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.fail(path, f"expected a number, got {_kind(value)}")
            if value != value:  # nan
                raise self.fail(path, "expected a number, got nan")
            self.bounded(value, path)
        elif kind is bool:
            if not isinstance(value, bool):
                raise self.fail(path, f"expected true or false, got {_kind(value)}")
        elif kind is list:
            if not isinstance(value, list):
                raise self.fail(path, f"expected a list, got {_kind(value)}")
            if not value:
                raise self.fail(path, "must not be empty")
            if len(value) > MAX_LIST_ITEMS:
                raise self.fail(path, f"has {len(value)} items; the limit is {MAX_LIST_ITEMS}")
        elif kind is dict and not isinstance(value, dict):
            raise self.fail(path, f"expected a table, got {_kind(value)}")
        return value

    def bounded(self, value: float, path: str, lo: float = -MAX_NUMBER, hi: float = MAX_NUMBER) -> None:
        if not lo <= value <= hi:
            raise self.fail(path, f"{_short(value)} is out of range; expected {lo} to {hi}")

    def strings(self, values: list[Any], path: str) -> tuple[str, ...]:
        return tuple(self.typed(v, f"{path}[{i}]", str) for i, v in enumerate(values))

    def ident(self, value: str, path: str) -> str:
        if not _ID.fullmatch(value):
            raise self.fail(path, f"id {value!r} must be lower-case letters, digits and _ (starting with a letter)")
        return value

    def unique(self, items: list[Any], path: str, what: str = "id") -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            key = item.id
            if key in seen:
                raise self.fail(f"{path}[{i}].{what}", f"duplicate id {key!r}")
            seen.add(key)

    def options(self, values: list[Any], path: str) -> tuple[Option, ...]:
        opts = []
        for i, raw in enumerate(values):
            p = f"{path}[{i}]"
            t = self.table(
                raw,
                p,
                {"id": str, "label": str},
                {"prompt": (str, ""), "text": (str, ""), "source": (str, "")},
            )
            self.ident(t["id"], f"{p}.id")
            opts.append(Option(**t))
        self.unique(opts, path)
        return tuple(opts)


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "empty text" if not value.strip() else "text"
    return {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a table"}.get(
        type(value), type(value).__name__
    )


def _short(value: float) -> str:
    """A number as shown in an error: a huge one by its size, never thousands of digits."""
    text = str(value)
    return text if len(text) <= 20 else f"a number of {len(text)} digits"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _field(r: PackReader, raw: Any, path: str, handout_ids: set[str]) -> Field:
    t = r.table(
        raw,
        path,
        {"id": str, "type": str, "label": str},
        {
            "help": (str, ""),
            "options": (list, None),
            "options_from": (str, ""),
            "min": (int, 0),
            "max": (int, 10),
            "min_label": (str, ""),
            "max_label": (str, ""),
            "item_label": (str, ""),
            "handout": (str, ""),
            "handout_label": (str, ""),
            "before": (str, ""),
            "attainment": (list, None),
            "decisions": (list, None),
        },
    )
    r.ident(t["id"], f"{path}.id")
    ftype = t["type"]
    if ftype not in FIELD_TYPES:
        raise r.fail(f"{path}.type", f"unknown field type {ftype!r} (expected one of: {', '.join(FIELD_TYPES)})")
    options = r.options(t["options"], f"{path}.options") if t["options"] is not None else ()
    if ftype in ("choice", "multi"):
        if bool(options) == bool(t["options_from"]):
            given = "both options and options_from" if options else "neither options nor options_from"
            raise r.fail(path, f"a {ftype} field needs options or options_from; it has {given}")
        if t["options_from"] and t["options_from"] not in OPTION_SOURCES:
            raise r.fail(f"{path}.options_from", f"must be one of: {', '.join(OPTION_SOURCES)}")
    elif options or t["options_from"]:
        raise r.fail(f"{path}.options", f"a {ftype} field takes no options")
    if ftype in ("scale", "rating_list"):
        for key in ("min", "max"):
            r.bounded(t[key], f"{path}.{key}", -SCALE_BOUND, SCALE_BOUND)
        if t["min"] >= t["max"]:
            raise r.fail(f"{path}.max", f"max ({t['max']}) must be greater than min ({t['min']})")
        if t["max"] - t["min"] >= MAX_SCALE_POINTS:
            raise r.fail(
                f"{path}.max", f"a scale has at most {MAX_SCALE_POINTS} points; {t['min']} to {t['max']} has more"
            )
    if t["handout"] and t["handout"] not in handout_ids:
        raise r.fail(f"{path}.handout", f"no handout section with id {t['handout']!r}")
    if t["before"] and ftype != "scale":
        raise r.fail(f"{path}.before", f"a {ftype} field has no before; only a scale is paired with an earlier one")
    if t["handout_label"] and not t["handout"]:
        raise r.fail(f"{path}.handout_label", "a field that goes on no handout section (handout) has no handout label")
    attainment: tuple[Option, ...] = ()
    decisions: tuple[Option, ...] = ()
    if ftype == "goal_review":
        for key, wanted in (("attainment", ATTAINMENT_IDS), ("decisions", DECISION_IDS)):
            if t[key] is None:
                raise r.fail(f"{path}.{key}", "missing")
            opts = r.options(t[key], f"{path}.{key}")
            if tuple(o.id for o in opts) != wanted:
                raise r.fail(f"{path}.{key}", f"ids must be, in order: {', '.join(wanted)}")
            if key == "attainment":
                attainment = opts
            else:
                decisions = opts
    elif t["attainment"] is not None or t["decisions"] is not None:
        raise r.fail(path, "attainment and decisions belong to goal_review fields only")
    t.update(options=options, attainment=attainment, decisions=decisions)
    return Field(**t)


def _component(r: PackReader, raw: Any, path: str, phase_id: str, handout_ids: set[str]) -> Component:
    t = r.table(raw, path, {"id": str, "number": int, "title": str, "how": list, "why": list, "fields": list})
    cid = t["id"]
    prefix, _, rest = cid.partition(".")
    if prefix != phase_id or not _ID.fullmatch(rest):
        raise r.fail(f"{path}.id", f"component id {cid!r} must be '{phase_id}.<name>'")
    fields = tuple(_field(r, f, f"{path}.fields[{i}]", handout_ids) for i, f in enumerate(t["fields"]))
    r.unique(list(fields), f"{path}.fields")
    for i, spec in enumerate(fields):
        if not spec.before:
            continue
        first = next((f for f in fields[:i] if f.id == spec.before), None)
        if first is None or first.type != "scale":
            raise r.fail(f"{path}.fields[{i}].before", f"{spec.before!r} is not a scale field before this one in {cid}")
        if (first.min, first.max) != (spec.min, spec.max):
            raise r.fail(
                f"{path}.fields[{i}].before",
                f"{spec.before!r} runs {first.min}–{first.max}, this scale {spec.min}–{spec.max}",
            )
    return Component(
        id=cid,
        number=t["number"],
        title=t["title"],
        how=r.strings(t["how"], f"{path}.how"),
        why=r.strings(t["why"], f"{path}.why"),
        fields=fields,
    )


def _guidance(r: PackReader, raw: Any) -> Guidance:
    g = r.table(
        raw,
        "guidance",
        {"stages": dict, "smart": dict, "pain_focus": dict, "key_messages": list, "strategies": list},
        {"red_flags": (dict, None)},
    )
    st = r.table(g["stages"], "guidance.stages", {"source": str, "items": list})
    stages = []
    for i, raw_stage in enumerate(st["items"]):
        p = f"guidance.stages.items[{i}]"
        s = r.table(raw_stage, p, {"id": str, "label": str, "description": str, "address": str}, {"source": (str, "")})
        r.ident(s["id"], f"{p}.id")
        stages.append(Stage(**s))
    r.unique(stages, "guidance.stages.items")
    sm = r.table(g["smart"], "guidance.smart", {"source": str, "parts": list})
    if g["red_flags"] is None:
        raise r.fail("guidance.red_flags", "missing")
    red = _red_flags(r, g["red_flags"])
    return Guidance(
        stages=tuple(stages),
        stages_source=st["source"],
        smart_parts=r.options(sm["parts"], "guidance.smart.parts"),
        smart_source=sm["source"],
        pain_focus=_pain_focus(r, g["pain_focus"]),
        key_messages=r.options(g["key_messages"], "guidance.key_messages"),
        strategies=r.options(g["strategies"], "guidance.strategies"),
        **red,
    )


def _pain_focus(r: PackReader, raw: Any) -> PainFocus:
    """[guidance.pain_focus]: every entry checked for a pattern that could match, `matched` for its {found}."""
    path = "guidance.pain_focus"
    lists: dict[str, Any] = {k: (list, None) for k in LISTS}
    t = r.table(raw, path, {"source": str, "hint": str}, {"matched": (str, "({found})"), "window": (int, 5), **lists})
    if bool(t["pain_words"]) != bool(t["aims"]) or not (t["pain_words"] or t["phrases"]):
        missing = "pain_words" if not t["pain_words"] else "aims"
        raise r.fail(f"{path}.{missing}", "missing (a pack needs pain_words and aims, or phrases, or all three)")
    r.bounded(t["window"], f"{path}.window", 0, MAX_WINDOW)
    if t["matched"].count("{found}") != 1 or t["matched"].replace("{found}", "").count("{"):
        raise r.fail(f"{path}.matched", "must hold {found} once, where the goal's matched words go")
    out: dict[str, Any] = {}
    for key in LISTS:
        entries = r.strings(t[key], f"{path}.{key}") if t[key] is not None else ()
        for i, entry in enumerate(entries):
            if problem := pattern_problem(entry, numeric=key == "numeric"):
                raise r.fail(f"{path}.{key}[{i}]", f"{entry!r}: {problem}")
        out[key] = entries
    return PainFocus(hint=t["hint"], source=t["source"], matched=t["matched"], window=t["window"], **out)


def _red_flags(r: PackReader, raw: Any) -> dict[str, Any]:
    """The warning signs: tiers (most urgent first), sources, the signs (sorted by tier) and the old ids moved."""
    path = "guidance.red_flags"
    rf = r.table(raw, path, {"source": str, "tiers": list, "sources": list, "items": list}, {"moved": (dict, {})})
    tiers = []
    for i, raw_tier in enumerate(rf["tiers"]):
        p = f"{path}.tiers[{i}]"
        t = r.table(
            raw_tier,
            p,
            {"id": str, "label": str, "marker": str, "action": str, "lay_heading": str, "lay_action": str},
        )
        r.ident(t["id"], f"{p}.id")
        tiers.append(Tier(**t))
    r.unique(tiers, f"{path}.tiers")
    sources = []
    for i, raw_source in enumerate(rf["sources"]):
        p = f"{path}.sources[{i}]"
        t = r.table(raw_source, p, {"id": str, "name": str, "year": str, "url": str})
        r.ident(t["id"], f"{p}.id")
        if not t["url"].startswith("https://"):
            raise r.fail(f"{p}.url", f"expected an https:// address, got {t['url'][:40]!r}")
        sources.append(Source(**t))
    r.unique(sources, f"{path}.sources")
    tier_ids = [t.id for t in tiers]
    by_id = {s.id: s for s in sources}
    flags = []
    for i, raw_flag in enumerate(rf["items"]):
        p = f"{path}.items[{i}]"
        t = r.table(
            raw_flag, p, {"id": str, "tier": str, "label": str, "lay": str, "sources": list}, {"detail": (str, "")}
        )
        r.ident(t["id"], f"{p}.id")
        if t["tier"] not in tier_ids:
            raise r.fail(f"{p}.tier", f"unknown tier {t['tier']!r} (expected one of: {', '.join(tier_ids)})")
        cited = r.strings(t["sources"], f"{p}.sources")
        for j, sid in enumerate(cited):
            if sid not in by_id:
                raise r.fail(f"{p}.sources[{j}]", f"no source with id {sid!r}")
        flag_sources = tuple(by_id[sid] for sid in dict.fromkeys(cited))
        flags.append(
            RedFlag(
                id=t["id"],
                label=t["label"],
                tier=t["tier"],
                lay=t["lay"],
                detail=t["detail"],
                text=t["detail"],
                sources=flag_sources,
                source="; ".join(s.cite() for s in flag_sources),
            )
        )
    r.unique(flags, f"{path}.items")
    flags.sort(key=lambda f: tier_ids.index(f.tier))  # stable: pack order within a tier
    flag_ids = {f.id for f in flags}
    moved: dict[str, tuple[str, ...]] = {}
    for old, new in rf["moved"].items():
        p = f"{path}.moved.{old}"
        r.ident(old, p)
        if old in flag_ids:
            raise r.fail(p, f"{old!r} is a warning sign of this pack; only ids it no longer has can be moved")
        targets = (r.typed(new, p, str),) if isinstance(new, str) else r.strings(r.typed(new, p, list), p)
        for j, target in enumerate(targets):
            if target not in flag_ids:
                raise r.fail(f"{p}[{j}]", f"moved to {target!r}, which is not a warning sign of this pack")
        moved[old] = tuple(dict.fromkeys(targets))
    tier_of = {t.id: t for t in tiers}
    choices = tuple(
        Option(f.id, f"{tier_of[f.tier].marker} · {f.label}", text=tier_of[f.tier].action, source=f.source)
        for f in flags
    )
    return {
        "red_flags": tuple(flags),
        "red_flags_source": rf["source"],
        "red_flag_tiers": tuple(tiers),
        "red_flags_moved": moved,
        "red_flag_choices": choices,
    }


def _handout(r: PackReader, raw: Any) -> Handout:
    h = r.table(raw, "handout", {"title": str, "intro": str, "sections": list})
    sections = []
    for i, raw_section in enumerate(h["sections"]):
        p = f"handout.sections[{i}]"
        s = r.table(raw_section, p, {"id": str, "title": str})
        r.ident(s["id"], f"{p}.id")
        sections.append(HandoutSection(**s))
    r.unique(sections, "handout.sections")
    return Handout(title=h["title"], intro=h["intro"], sections=tuple(sections))


def parse_protocol(text: str, source: str) -> Protocol:
    """Validate the TOML text of a pack; `source` names it in error messages."""
    r = PackReader(source)
    data = r.toml(text)
    top = r.table(
        data,
        "",
        {
            "id": str,
            "version": str,
            "language": str,
            "title": str,
            "source": str,
            "phases": list,
            "guidance": dict,
            "handout": dict,
        },
        {"corrections": (list, None)},
    )
    guidance = _guidance(r, top["guidance"])
    handout = _handout(r, top["handout"])
    handout_ids = {s.id for s in handout.sections}
    phases = []
    for i, raw_phase in enumerate(top["phases"]):
        p = f"phases[{i}]"
        ph = r.table(raw_phase, p, {"id": str, "title": str, "components": list})
        r.ident(ph["id"], f"{p}.id")
        comps = tuple(
            _component(r, c, f"{p}.components[{j}]", ph["id"], handout_ids) for j, c in enumerate(ph["components"])
        )
        phases.append(Phase(id=ph["id"], title=ph["title"], components=comps))
    r.unique(phases, "phases")
    seen: set[str] = set()
    for i, phase in enumerate(phases):
        for j, comp in enumerate(phase.components):
            if comp.id in seen:
                raise r.fail(f"phases[{i}].components[{j}].id", f"duplicate component id {comp.id!r}")
            seen.add(comp.id)
    components = {c.id: c for phase in phases for c in phase.components}
    return Protocol(
        id=top["id"],
        version=top["version"],
        language=top["language"],
        title=top["title"],
        source=top["source"],
        phases=tuple(phases),
        guidance=guidance,
        handout=handout,
        corrections=_corrections(r, top["corrections"] or [], components),
    )


def _corrections(r: PackReader, values: list[Any], components: dict[str, Component]) -> tuple[Correction, ...]:
    """The places where the pack corrects its source; each must name text the pack has, once, where it says."""
    out = []
    for i, raw in enumerate(values):
        p = f"corrections[{i}]"
        t = r.table(raw, p, {"component": str, "where": str, "source_text": str, "pack_text": str, "kind": str})
        comp = components.get(t["component"])
        if comp is None:
            raise r.fail(f"{p}.component", f"no component {t['component']!r}")
        place = _PLACE.fullmatch(t["where"])
        if place is None:
            raise r.fail(f"{p}.where", f"{t['where']!r} is not title, how[N] or why[N]")
        if place.group(1):
            bullets = comp.how if place.group(1) == "how" else comp.why
            index = int(place.group(2))
            if index >= len(bullets):
                raise r.fail(f"{p}.where", f"{comp.id} has {len(bullets)} {place.group(1)} bullet(s)")
            text = bullets[index]
        else:
            text = comp.title
        if text.count(t["pack_text"]) != 1:
            raise r.fail(f"{p}.pack_text", f"{t['pack_text']!r} is not in {comp.id} {t['where']} exactly once")
        if t["kind"] not in CORRECTION_KINDS:
            raise r.fail(f"{p}.kind", f"must be one of: {', '.join(CORRECTION_KINDS)}")
        out.append(Correction(**t))
    return tuple(out)


def load_protocol(path: Path | None = None) -> Protocol:
    """Load a pack from `path`, or the shipped Table 1 pack when `path` is None."""
    if path is None:
        return builtin_protocol()
    return parse_protocol(read_pack(path), str(path))


def read_pack(path: Path) -> str:
    """The text of a pack file (protocol or case); an unreadable file is a one-line PackError."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):  # opening a named pipe would wait for a writer for ever
            raise PackError(str(path), "", "cannot read: a named pipe or socket, not a file")
        with open(path, "rb") as fh:  # never more than a pack can be: a huge file is refused without reading it all
            data = fh.read(MAX_PACK_BYTES + 1)
        if len(data) > MAX_PACK_BYTES:
            raise PackError(str(path), "", f"too large: a pack is at most {MAX_PACK_BYTES // 1024} KiB")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(str(path), "", f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None


@cache
def builtin_protocol() -> Protocol:
    resource = seed_file(*BUILTIN_PACK)
    return parse_protocol(resource.read_text(encoding="utf-8"), "/".join(BUILTIN_PACK))


def seed_file(*parts: str) -> Path:
    """A file shipped in the seeds folder inside the installed package (never the source checkout's).

    A plain path, as `importlib.resources.files` gives for a package in a folder: importing importlib.resources (and
    the zipfile module it brings) costs each start ~2.5 ms."""
    return Path(__file__).parent.joinpath("seeds", *parts)
