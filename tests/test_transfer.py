"""JSON export and import: lossless round trip, idempotent import, conflicts refused, formats checked."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backcoach.model import Session
from backcoach.protocol import builtin_protocol
from backcoach.store import Home, PatientLocked
from backcoach.transfer import EXPORT_FORMAT, ImportRefused, dumps, export_record, import_record, parse_export
from tests.export_data import PATIENT_ID, make_fixture_patient

PROTOCOL = builtin_protocol()
FIELDS = [(c, f) for c in PROTOCOL.components for f in c.fields if f.type != "goal_review"]


def _answer(field):
    t = field.type
    if t == "text":
        return st.text(max_size=30)
    if t in ("choice", "multi"):
        ids = [o.id for o in PROTOCOL.options(field)]
        return st.sampled_from(ids) if t == "choice" else st.lists(st.sampled_from(ids), unique=True)
    if t == "stage":
        return st.sampled_from([s.id for s in PROTOCOL.guidance.stages])
    if t == "scale":
        return st.integers(field.min, field.max)
    if t == "rating_list":
        item = st.fixed_dictionaries({"item": st.text(min_size=1, max_size=20), "rating": st.integers(0, 10)})
        return st.lists(item, max_size=3)
    part_ids = [p.id for p in PROTOCOL.guidance.smart_parts]
    goal = st.fixed_dictionaries(
        {"text": st.text(max_size=20), "parts": st.dictionaries(st.sampled_from(part_ids), st.text(max_size=10))}
    )
    return st.lists(goal, max_size=2)


answers = st.lists(st.sampled_from(FIELDS).flatmap(lambda cf: st.tuples(st.just(cf), _answer(cf[1]))), max_size=8)
sessions = st.lists(
    st.tuples(st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC)), answers, st.booleans()),
    max_size=3,
)


def _stored(home: Home, name: str, born: int | None, planned) -> str:
    """A patient with sessions, written through the store as the app writes them."""
    pid = home.add_patient(name, born=born).id
    with home.open(pid) as writer:
        for started, given, complete in planned:
            session: Session = writer.record.new_session(PROTOCOL)
            for (comp, field), value in given:
                session.set_answer(PROTOCOL, comp.id, field.id, value)
            if complete:
                session.complete()
            session.started = started
            writer.save_session(session)
    return pid


def _roundtrip_json(home: Home, pid: str) -> str:
    return dumps(export_record(home.load(pid)))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(min_size=1, max_size=30), born=st.none() | st.integers(1900, 2020), planned=sessions)
def test_export_import_export_is_identical_and_import_is_idempotent(name, born, planned):
    assume(name.strip() and any(ch.isprintable() and not ch.isspace() for ch in name))
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Home(Path(tmp) / "a"), Home(Path(tmp) / "b")
        pid = _stored(source, name, born, planned)
        exported = _roundtrip_json(source, pid)
        outcome = import_record(target, parse_export(json.loads(exported), PROTOCOL))
        assert outcome.created and outcome.added == len(planned)
        assert _roundtrip_json(target, pid) == exported
        path = target.patient_path(pid)
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        again = import_record(target, parse_export(json.loads(exported), PROTOCOL))
        assert (again.added, again.replaced, again.unchanged) == (0, 0, len(planned))
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.fixture
def exported(home, protocol) -> dict:
    make_fixture_patient(home, protocol)
    with home.open(PATIENT_ID) as writer:  # a clean copy: import cleans text, so compare against clean data
        for session in writer.record.sessions:
            session.answers["planning.readiness"].pop("barriers", None)
            writer.save_session(session)
    return export_record(home.load(PATIENT_ID))


def test_a_differing_session_is_refused_unless_replace(tmp_path, protocol, exported):
    target = Home(tmp_path / "target")
    import_record(target, parse_export(json.loads(dumps(exported)), protocol))
    stored = target.patient_path(PATIENT_ID).read_bytes()
    changed = json.loads(dumps(exported))
    changed["sessions"][0]["answers"]["planning.shared_decision"]["decision"] = "Swim twice a week"
    with pytest.raises(ImportRefused, match="s-initial differ from what is stored; nothing imported"):
        import_record(target, parse_export(changed, protocol))
    assert target.patient_path(PATIENT_ID).read_bytes() == stored
    outcome = import_record(target, parse_export(changed, protocol), replace=True)
    assert (outcome.replaced, outcome.unchanged) == (1, 1)
    assert target.load(PATIENT_ID).sessions[0].answer("planning.shared_decision", "decision") == "Swim twice a week"


def test_changed_patient_details_are_refused_unless_replace(tmp_path, protocol, exported):
    target = Home(tmp_path / "target")
    import_record(target, parse_export(json.loads(dumps(exported)), protocol))
    renamed = json.loads(dumps(exported))
    renamed["patient"].update(name="Ada King", updated="2026-04-01T10:00:00+00:00")
    with pytest.raises(ImportRefused, match="the patient's details differ"):
        import_record(target, parse_export(renamed, protocol))
    assert import_record(target, parse_export(renamed, protocol), replace=True).patient_replaced
    assert dumps(export_record(target.load(PATIENT_ID))) == dumps(renamed)  # as given, `updated` included


def test_import_adds_missing_sessions_and_keeps_others(tmp_path, protocol, exported):
    target = Home(tmp_path / "target")
    only_first = json.loads(dumps(exported))
    only_first["sessions"] = only_first["sessions"][:1]
    import_record(target, parse_export(only_first, protocol))
    outcome = import_record(target, parse_export(json.loads(dumps(exported)), protocol))
    assert (outcome.created, outcome.added, outcome.unchanged) == (False, 1, 1)
    assert dumps(export_record(target.load(PATIENT_ID))) == dumps(exported)


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: d.update(format="backcoach.export/2"), "unknown export format 'backcoach.export/2'"),
        (lambda d: d.pop("format"), "unknown export format 'None'"),
        (lambda d: d.update(schema=2), "record schema 2"),
        (lambda d: d.update(deidentified=True), "de-identified export cannot be imported"),
        (
            lambda d: d["sessions"][0]["answers"].update({"planning.goals": {"nope": "x"}}),
            "no field planning.goals.nope",
        ),
        (lambda d: d["sessions"][0].update(patient_id="someone"), "belongs to patient 'someone'"),
        (lambda d: d["sessions"][1].update(id="s-initial"), "invalid or repeated"),
        (lambda d: d["patient"].update(id="../evil"), "invalid patient id"),
        (lambda d: d["sessions"][0].update(started=None), "not a valid backcoach record"),
    ],
)
def test_bad_exports_are_refused_clearly(protocol, exported, change, message):
    data = json.loads(dumps(exported))
    change(data)
    with pytest.raises(ImportRefused, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_export(data, protocol)


def test_import_respects_the_patient_lock(tmp_path, protocol, exported):
    target = Home(tmp_path / "target")
    import_record(target, parse_export(json.loads(dumps(exported)), protocol))
    with target.open(PATIENT_ID), pytest.raises(PatientLocked):
        import_record(target, parse_export(json.loads(dumps(exported)), protocol))


def test_export_format_and_deidentified_json(home, protocol):
    record = make_fixture_patient(home, protocol)
    data = export_record(record)
    assert data["format"] == EXPORT_FORMAT and data["patient"]["name"].startswith("Ada")
    anonymous = json.loads(dumps(export_record(record, deidentify=True)))
    assert anonymous["patient"]["name"] == PATIENT_ID and anonymous["patient"]["born"] is None
    assert anonymous["patient"]["age_band"] == "50–59"
    assert [s["started"] for s in anonymous["sessions"]] == [0, 28]
    assert "2026" not in dumps(anonymous) and "Ada" not in dumps(anonymous)


def test_a_session_dated_without_a_time_zone_never_makes_the_stored_file_unreadable(tmp_path, protocol, exported):
    """Another tool's export may write local times without an offset; they are read as UTC."""
    target = Home(tmp_path / "target")
    import_record(target, parse_export(json.loads(dumps(exported)), protocol))
    later = json.loads(dumps(exported))
    extra = dict(later["sessions"][-1], id="s-naive", started="2026-04-20T09:00:00", ended=None, updated=None)
    later["sessions"].append(extra)
    assert import_record(target, parse_export(later, protocol)).added == 1
    sessions = target.load(PATIENT_ID).sessions
    assert sessions[-1].id == "s-naive" and sessions[-1].started == datetime(2026, 4, 20, 9, tzinfo=UTC)
