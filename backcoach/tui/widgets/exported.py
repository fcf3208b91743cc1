"""The line that says where a screen's last export went; hidden until there is one."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from backcoach.tui.display import literal


class ExportedLine(Static):
    def show(self, path: Path) -> None:
        # a no-break space: a long path folds at the screen's edge instead of leaving "Exported:" alone on a line
        self.update(literal(f"Exported:\u00a0{path}"))
        self.display = True
