"""Practice mode: simulated patients (case packs), attempts stored apart from patients, rubric scoring, feedback.

Services only (no UI library, no Rich): the TUI and plain mode drive a `PracticeSession` and show its feedback with
`render.practice_feedback.feedback_view(...)`; the report's formats are drawn by `render.practice_report`.
"""
