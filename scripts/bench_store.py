"""Store rows: a save must not grow with the size of the clinic; listing 10,000 patients reads the index."""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from itertools import count
from pathlib import Path

from bench import BIN, Measurement, command

BIG = 10_000


@cache
def _home(workdir: Path, patients: int) -> Path:
    root = workdir / f"home-{patients}"
    subprocess.run(
        [sys.executable, str(Path(__file__).parent / "make_demo_data.py"), "--home", str(root)]
        + ["--patients", str(patients), "--sessions", "3", "--jobs", "2"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return root


@cache
def _consultation(workdir: Path, patients: int):
    from backcoach.consultation import Consultation
    from backcoach.protocol import builtin_protocol
    from backcoach.store import Home

    home = Home(_home(workdir, patients))
    home.add_patient("Bench Patient", patient_id="bench")
    return Consultation(home, builtin_protocol(), "bench")


def _save_one_answer(workdir: Path, patients: int):
    n = count()

    def sample() -> float:
        import time

        c = _consultation(workdir, patients)
        start = time.perf_counter()
        c.set("planning.goals", "values", f"walking to the market, version {next(n)}")
        return time.perf_counter() - start

    return sample


def measurements(workdir: Path) -> list[Measurement]:
    return [
        Measurement("save one answer (10 patients)", _save_one_answer(workdir, 10), max_value=15, repeat=41),
        Measurement(
            f"save one answer ({BIG:,} patients × 3 sessions) vs 10",
            _save_one_answer(workdir, BIG),
            _save_one_answer(workdir, 10),
            max_value=15,
            max_ratio=1.5,
            repeat=41,
        ),
        Measurement(
            f"backcoach patient list ({BIG:,} patients)",
            lambda: command(str(BIN / "backcoach"), "--home", str(_home(workdir, BIG)), "patient", "list")(),
            command(sys.executable, "-c", "import typer"),
            max_value=1000,
            repeat=5,
        ),
    ]
