"""`make bench`: named measurements as medians, each against a baseline measured in the same run.

Rows come from this file and from every `scripts/bench_*.py` module's `measurements(workdir)` function, so each
area of the app keeps its own rows. Run with `--only TEXT` to run the rows whose name contains TEXT.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


@dataclass
class Measurement:
    """One row: `run` returns one sample (seconds, or MB for memory); `baseline` the same for the reference."""

    name: str
    run: Callable[[], float]
    baseline: Callable[[], float] | None = None
    unit: str = "ms"
    max_value: float | None = None  # goal on the median (in the row's unit)
    max_ratio: float | None = None  # goal on median / baseline median
    min_ratio: float | None = None  # goal for speed-ups: baseline median / median must be at least this
    repeat: int = 7


def timed(fn: Callable[[], object]) -> Callable[[], float]:
    def sample() -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    return sample


def command(*args: str, env: dict | None = None) -> Callable[[], float]:
    """Wall time of a subprocess (output discarded)."""
    return timed(lambda: subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=env))


RICH_HELLO = "import typer; from rich.console import Console; from rich.tree import Tree; Console().print(Tree('x'))"


def measurements(workdir: Path) -> list[Measurement]:
    return [
        Measurement(
            "backcoach --help (startup)",
            command(str(BIN / "backcoach"), "--help"),
            command(sys.executable, "-c", "import typer"),
            max_ratio=1.5,
            repeat=15,  # a 60 ms process: more samples to keep one slow start from moving the median
        ),
        Measurement(
            "backcoach protocol show",
            command(str(BIN / "backcoach"), "protocol", "show"),
            command(sys.executable, "-c", RICH_HELLO),
            max_ratio=1.75,  # parsing and validating the pack (~10 ms) and rendering ~150 tree nodes (~18 ms)
            repeat=15,
        ),
    ]


def _load_modules() -> list[Callable[[Path], list[Measurement]]]:
    sources = [measurements]
    for path in sorted(SCRIPTS.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(SCRIPTS))
        spec.loader.exec_module(module)
        sources.append(module.measurements)
    return sources


def _scaled(value: float, unit: str) -> float:
    return value * 1000 if unit == "ms" else value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="", help="run only rows whose name contains this")
    parser.add_argument("--repeat", type=int, default=0, help="override the number of samples per row")
    args = parser.parse_args()
    failed = 0
    print(f"{'measurement':48} {'median':>10} {'baseline':>10} {'ratio':>7}  goal")
    with tempfile.TemporaryDirectory(prefix="backcoach-bench-") as tmp:
        for source in _load_modules():
            for m in source(Path(tmp)):
                if args.only not in m.name:
                    continue
                samples, base = [], []
                for _ in range(args.repeat or m.repeat):  # interleaved, so load on the machine hits both alike
                    samples.append(m.run())
                    if m.baseline:
                        base.append(m.baseline())
                med = _scaled(statistics.median(samples), m.unit)
                bmed = _scaled(statistics.median(base), m.unit) if base else None
                ratio = med / bmed if bmed else None
                goals, ok = [], True
                if m.max_value is not None:
                    goals.append(f"≤ {m.max_value:g} {m.unit}")
                    ok &= med <= m.max_value
                if m.max_ratio is not None and ratio is not None:
                    goals.append(f"ratio ≤ {m.max_ratio:g}")
                    ok &= ratio <= m.max_ratio
                if m.min_ratio is not None and ratio is not None:
                    goals.append(f"speed-up ≥ {m.min_ratio:g}×")
                    ok &= (1 / ratio) >= m.min_ratio
                failed += not ok
                print(
                    f"{m.name:48} {med:>8.1f}{m.unit:>2} "
                    f"{(f'{bmed:.1f}' + m.unit) if bmed else '—':>10} "
                    f"{(f'{ratio:.2f}') if ratio else '—':>7}  {', '.join(goals)} {'ok' if ok else 'MISSED'}",
                    flush=True,
                )
    print(f"{failed} goal(s) missed" if failed else "all goals met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
