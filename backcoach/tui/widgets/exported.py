"""The line that says where a screen's last export went; hidden until there is one."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from backcoach.tui.display import literal


class ExportedLine(Static):
    def show(self, path: Path) -> None:
        self.update(literal(f"Exported: {path}"))
        self.display = True
