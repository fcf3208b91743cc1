"""Fixtures for the TUI tests: a home with patients whose sessions have fixed dates, and an app with a fixed clock."""

from __future__ import annotations

import pytest

from backcoach.protocol import Protocol
from backcoach.store import Home
from backcoach.tui.app import BackcoachApp
from tests.tui.clinic import demo_clinic, fixed_clock


def make_app(home: Home, protocol: Protocol, patient_id: str | None = None) -> BackcoachApp:
    return BackcoachApp(home, protocol, patient_id=patient_id, clock=fixed_clock)


@pytest.fixture
def clinic(home: Home, protocol: Protocol) -> Home:
    """Ann (a completed initial session) and Bo (new)."""
    return demo_clinic(home, protocol)
