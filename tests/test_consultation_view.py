"""Consultation.view: reading a session without the patient's lock (completed sessions, patient open elsewhere)."""

import pytest

from backcoach.consultation import Consultation
from backcoach.errors import UsageError


def test_view_reads_without_the_lock_and_refuses_to_write(home, protocol):
    pid = home.add_patient("Ann").id
    with Consultation(home, protocol, pid) as live:
        live.set("planning.goals", "values", "gardening")
        record = home.load(pid)
        view = Consultation.view(record, protocol, record.open_session)
        assert view.read_only and not live.read_only
        assert view.session.answer("planning.goals", "values") == "gardening"
        assert view.first_unanswered().id == "planning.shared_decision"
        with pytest.raises(UsageError):
            view.save()
        view.close()  # no lock held: nothing to release, and the live writer keeps its lock
        live.set("planning.goals", "values", "walking")
    assert home.load(pid).open_session.answer("planning.goals", "values") == "walking"
