"""A record without a time it must have (a patient's creation, a session's start) is damaged, as one with a
malformed time is: it was loaded with the time None and crashed the patient list later (found by mypy)."""

import json

import pytest

from backcoach.store.errors import DamagedFile


def _null_patient_created(data: dict) -> None:
    for patient in data["patient"].values():
        patient["created"] = None


def _null_session_start(data: dict) -> None:
    for session in data["sessions"].values():
        session["started"] = None


@pytest.mark.parametrize("damage", [_null_patient_created, _null_session_start])
def test_a_missing_required_time_is_a_damaged_file(home, protocol, damage):
    home.add_patient("Ann Example", patient_id="ann")
    with home.open("ann") as writer:
        writer.start_session(protocol)
    path = home.patient_path("ann")
    data = json.loads(path.read_text(encoding="utf-8"))
    damage(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DamagedFile, match="unreadable record"):
        home.load("ann")
    [entry] = home.index()
    assert entry.damaged  # listed as damaged, where the list once crashed
