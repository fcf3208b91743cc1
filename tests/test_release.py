"""The release bookkeeping holds: the suite runs on what the lock files pin, the lock files fit pyproject.toml's
ranges, and the changelog's newest version is the package's version.

A newer Textual installed by hand would otherwise fail a dozen snapshots with no word of why; a range edited in
pyproject.toml without `make lock` would leave the lock describing another project.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import backcoach

ROOT = Path(__file__).resolve().parent.parent
PINNED = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def locked(name: str) -> dict[str, tuple[str, Marker | None]]:
    """A lock file's pins: canonical name → (version, the marker it applies under)."""
    pins = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        match = PINNED.match(line)
        if match:
            marker = Marker(match["marker"]) if match["marker"] else None
            pins[canonicalize_name(match["name"])] = (match["version"], marker)
    return pins


def test_the_lock_files_pin_with_hashes():
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text(encoding="utf-8")
        pins = locked(name)
        assert {"textual", "rich", "typer", "tinydb", "questionary", "hatchling"} <= set(pins), name
        assert text.count("--hash=sha256:") >= len(pins), f"{name}: every pin needs its hashes (make lock)"


def test_the_app_lock_agrees_with_the_development_lock():
    app, dev = locked("requirements.lock"), locked("requirements-dev.lock")
    assert {name: pin[0] for name, pin in app.items()} == {name: dev[name][0] for name in app}


def test_the_suite_runs_on_the_locked_versions():
    wrong = []
    for name, (pinned, marker) in locked("requirements-dev.lock").items():
        if marker is not None and not marker.evaluate():
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "missing"
        if installed != pinned:
            wrong.append(f"{name} {installed} (locked {pinned})")
    assert not wrong, "not what requirements-dev.lock pins (`make clean test` reinstalls): " + ", ".join(wrong)


def test_the_locks_fit_the_ranges_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["test"],
        *project["dependency-groups"]["build"],
    ]
    pins = locked("requirements-dev.lock")
    outside = []
    for line in wanted:
        requirement = Requirement(line)
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned[0], prereleases=True):
            outside.append(f"{line} (locked {pinned[0] if pinned else 'nothing'})")
    assert not outside, "pyproject.toml changed since the lock was made (`make lock`): " + ", ".join(outside)


def test_the_changelog_names_this_version_as_the_newest():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[(.+?)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, flags=re.MULTILINE)
    assert headings[0] == ("Unreleased", ""), "the changelog starts with [Unreleased]"
    released = headings[1:]
    assert released, "the changelog names no released version"
    assert all(day for _, day in released), "every released version has its date"
    assert released[0][0] == backcoach.__version__, "bump backcoach.__version__ with the changelog's newest version"
    numbers = [tuple(int(part) for part in name.split(".")) for name, _ in released]
    assert numbers == sorted(numbers, reverse=True), "versions newest first"
    assert [day for _, day in released] == sorted((day for _, day in released), reverse=True)
