"""Widgets of the consultation: one answer widget per field type, the component navigator and the guidance pane."""
