"""Shared fixtures: a real temporary home folder and the shipped protocol pack."""

from pathlib import Path

import pytest

from backcoach.protocol import Protocol, builtin_protocol
from backcoach.store import Home


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home")


@pytest.fixture
def protocol() -> Protocol:
    return builtin_protocol()
