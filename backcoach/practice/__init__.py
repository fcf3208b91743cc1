"""Practice mode: simulated patients (case packs), attempts stored apart from patients, rubric scoring, feedback.

Domain code only (no UI): the TUI and plain mode drive a `PracticeSession` and show `feedback_view(...)`.
"""
