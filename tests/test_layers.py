"""The layers at run time: importing any module below the shells loads no UI library and no Rich.

`lint-imports` (make lint) checks the imports as written; this checks what Python actually loads, which also runs
each package's __init__ on the way (importing summary.build ran summary/__init__.py, which loaded Rich).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import backcoach

SHELLS = ("cli", "__main__", "typer_private", "commands", "tui", "plain", "render")  # entry and shells: may load them
UI = ("textual", "questionary", "prompt_toolkit", "typer", "click")
RICH_RENDERER = "backcoach.summary.rich_view"  # the documents layer's Rich renderer (see pyproject.toml)


def modules_below_the_shells() -> list[str]:
    root = Path(backcoach.__file__).parent
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[0] in SHELLS or parts[0] == "seeds":
            continue
        names.append(".".join(("backcoach", *(parts[:-1] if parts[-1] == "__init__" else parts))))
    names.remove(RICH_RENDERER)
    return [*names, RICH_RENDERER]  # last: once it has loaded Rich, Rich is in sys.modules for every later import


CHECK = """
import importlib, json, sys
loaded = {}
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
    loaded[name] = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps(loaded))
"""


def test_no_module_below_the_shells_loads_a_ui_library_or_rich():
    names = modules_below_the_shells()
    assert "backcoach.practice.session" in names and "backcoach.summary.build" in names
    done = subprocess.run(
        [sys.executable, "-c", CHECK, json.dumps(names)], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(done.stdout)
    for name in names:  # in order: the first module after whose import a forbidden package is loaded is named
        forbidden = set(UI) if name == RICH_RENDERER else {*UI, "rich"}
        found = sorted(forbidden & set(loaded[name]))
        assert not found, f"importing {name} loads {found}: a module below the shells must not"
