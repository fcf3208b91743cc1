"""Practice mode in plain prompts (`backcoach practice run CASE --plain`): the plain consultation, plus a patient.

The walk, menus, field prompts and interruption handling are PlainConsultation's; this adds what practice needs on
top: the case's background and opening, "Ask: <How bullet>" entries that show the simulated patient's response, the
phase timer (`PracticeSession.focus` on every component shown), and feedback instead of a clinician summary.
"""

from __future__ import annotations

import shlex

from questionary import Choice
from rich.console import Console

from backcoach.plain import prompts
from backcoach.plain.flow import PlainConsultation
from backcoach.plain.show import Lines, say, say_command, shorten
from backcoach.practice.scoring import duration
from backcoach.practice.session import PracticeSession
from backcoach.protocol import Component, Field
from backcoach.render.practice_feedback import feedback_view, result_line

ASK = "ask"  # menu values ("ask", how index)


class PlainPractice(PlainConsultation):
    def __init__(self, session: PracticeSession, console: Console, command: str = "backcoach"):
        super().__init__(session.consultation, console, command)
        self.session = session
        self.case = session.case

    # --- screens --------------------------------------------------------------------------------------------
    def _intro(self, at: int) -> None:
        patient = self.case.patient
        kind = "follow-up" if self.case.follow_up else "first visit"
        say(self.console, f"Practice: {self.case.title}", style="bold")
        say(self.console, f"{patient.name}, {patient.age}: {kind} (attempt {self.session.attempt_id})")
        self.console.print()
        say(self.console, "Background", style="bold")
        self.console.print(Lines(patient.background.splitlines()))
        self.console.print()
        say(self.console, f"{patient.name}: {self.session.opening}")
        self.console.print()
        say(
            self.console,
            "At each component, the Ask entries put a How? bullet to the patient; record what you learn with Answer. "
            "Time is measured per phase. Ctrl-C or Ctrl-D stops at any prompt (the attempt stays unfinished).",
        )
        if self.session.resumed:
            self.console.print()
            say(self.console, f"{self.session.carrying_on()} Continuing at {self._name(self.components[at])}")

    def _resume_point(self) -> tuple[Component, Field | None]:
        """As a consultation's, except that a How? bullet asked at a later component shows the attempt went on
        past the one that only looks stopped in (its last fields left empty): the first one with no answer then."""
        stopped = self.c.stopped_in()
        if stopped is not None:
            later = self.components[self.components.index(stopped[0]) + 1 :]
            if not any(self.session.was_asked(c.id, i) for c in later for i in range(len(c.how))):
                return stopped
        return self.c.first_unanswered(), None

    def _heading(self, comp: Component) -> str:
        seconds = self.session.phase_seconds()
        phase = self.protocol.phase_of(comp.id)
        timer = f"{duration(seconds.get(phase.id, 0.0))} in {phase.title}, {duration(sum(seconds.values()))} in all"
        return f"{super()._heading(comp)} ({timer})"

    def _show_component(self, comp: Component) -> None:
        self.session.focus(comp.id)
        super()._show_component(comp)
        asked = [i for i in range(len(comp.how)) if self.session.was_asked(comp.id, i)]
        if asked:  # back at a component, or carrying on with the attempt: what the patient said is shown again
            say(self.console, "Asked before:")
            for how in asked:
                self._exchange(comp, how)

    # --- asking the simulated patient -----------------------------------------------------------------------
    def _choices(self, comp: Component, at: int) -> list[Choice]:
        width = max(self.console.width - 20, 40)  # room for the prompt's pointer and "Ask again: "
        asks = [
            Choice(f"{'Ask again' if self.session.was_asked(comp.id, i) else 'Ask'}: {shorten(how, width)}", (ASK, i))
            for i, how in enumerate(comp.how)
        ]
        return asks + super()._choices(comp, at)

    def _pointer(self, comp: Component) -> object:
        """The first How bullet not asked yet, then Answer."""
        return next(((ASK, i) for i in range(len(comp.how)) if not self.session.was_asked(comp.id, i)), "answer")

    def _aside(self, comp: Component, action: object) -> None:
        if not (isinstance(action, tuple) and action[0] == ASK):
            super()._aside(comp, action)
            return
        self.session.ask(comp.id, action[1])
        self.console.print()
        self._exchange(comp, action[1])
        self.console.print()

    def _exchange(self, comp: Component, how: int) -> None:
        say(self.console, f"You: {comp.how[how]}", style="italic")
        say(self.console, f"{self.case.patient.name}: {self.case.response(comp.id, how)}")

    # --- the end --------------------------------------------------------------------------------------------
    def _finish(self) -> int | None:
        self.console.print()
        done = prompts.select(
            "Finish",
            [Choice("Finish the attempt and see your feedback", True), Choice("Go back to a component", False)],
            default=True,
        )
        if not done:
            return self._jump(len(self.components) - 1)
        feedback = self.session.finish()
        self.console.print()
        self.console.print(feedback_view(feedback))
        self.console.print()
        self.console.print(result_line(feedback))  # again at the end: long feedback scrolls the first one away
        say(self.console, "All attempts, for you or your teacher:")
        say_command(self.console, f"  {self.command} practice report")
        return None

    def _resume_hint(self) -> None:
        *stopped, resume = self.session.stopped_lines(self.command, plain=True)
        say(self.console, *stopped)
        say_command(self.console, resume)
        say(self.console, "To start this case afresh instead:")
        say_command(
            self.console, f"  {self.command} practice run {shlex.quote(self.case.file or self.case.id)} --plain"
        )
