"""The wheel carries the seeds, and code finds them inside the installed package, not the source checkout."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_the_seed_packs(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("backcoach-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    seeds = {p.relative_to(ROOT).as_posix() for p in (ROOT / "seeds").rglob("*.toml")}
    assert seeds, "no seed packs in the source tree"
    for seed in seeds:
        assert f"backcoach/{seed}" in names
    assert "backcoach/cli.py" in names


def test_installed_wheel_runs_from_elsewhere(tmp_path):
    """Install the wheel into a fresh target folder and load the built-in pack from there."""
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = wheels.glob("*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    code = "import backcoach.protocol as p; print(p.__file__); print(len(p.builtin_protocol().components))"
    out = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    module_file, count = out.stdout.split()
    assert module_file.startswith(str(target)) and count == "10"
