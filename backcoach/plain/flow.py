"""The consultation as a linear walk through the components, with skip / back / jump / finish between them."""

from __future__ import annotations

from questionary import Choice
from rich.console import Console

from backcoach.consultation import Consultation
from backcoach.plain import prompts
from backcoach.plain.fields import FieldPrompts
from backcoach.plain.prompts import Interrupted
from backcoach.plain.show import answer_block, bullets, say, say_command
from backcoach.protocol import Component, Field
from backcoach.summary import clinician_renderable

INTERRUPTED = 130


class PlainConsultation:
    def __init__(self, consultation: Consultation, console: Console, command: str = "backcoach"):
        self.c = consultation
        self.command = command  # how the hints call backcoach again (with --home when it is not the default)
        self.protocol = consultation.protocol
        self.console = console
        self.fields = FieldPrompts(consultation, console)
        self.components = self.protocol.components

    def run(self) -> int:
        """Walk the components from where the session stands; 0 when finished, 130 when interrupted."""
        try:
            start, field = self._resume_point()
            first = self.components.index(start)
            self._intro(first)
            at: int | None = first
            if field is not None:  # stopped in the middle of this component: straight back to where it stopped
                at = self._carry_on(first, field)
            while at is not None:
                while at is not None and at < len(self.components):
                    at = self._visit(at)
                at = self._finish()
            return 0
        except (Interrupted, KeyboardInterrupt) as stop:  # at a prompt, or Ctrl-C between prompts
            self.console.print()
            kept = getattr(stop, "kept", False)
            saved = "Every answer given so far is saved" + (", with the text you were typing." if kept else ".")
            say(self.console, f"Stopped. {saved}")
            self._resume_hint()
            return INTERRUPTED

    def _resume_point(self) -> tuple[Component, Field | None]:
        """Where the walk goes on: in the component it stopped in, at its first field without an answer (as the
        app's cursor does), else at the start of the first component with no answer."""
        return self.c.stopped_in() or (self.c.first_unanswered(), None)

    # --- screens --------------------------------------------------------------------------------------------
    def _intro(self, at: int) -> None:
        patient, session = self.c.patient, self.c.session
        say(self.console, self.protocol.title, style="bold")
        say(self.console, f"{patient.name} ({patient.id}): {session.kind} session, {session.started:%Y-%m-%d}")
        covered = session.covered(self.protocol)
        if covered:
            say(
                self.console,
                f"Resuming: {len(covered)} of {len(self.components)} components have answers. "
                f"Continuing at {self._name(self.components[at])}",
            )
        say(self.console, "Every answer is saved as soon as you give it. Ctrl-C or Ctrl-D stops at any prompt.")

    def _name(self, comp: Component) -> str:
        return f"{comp.number}. {comp.title}"

    def _status(self, comp: Component) -> str:
        return self.c.session.component_status(self.protocol, comp.id)

    def _heading(self, comp: Component) -> str:
        return f"{self.protocol.phase_of(comp.id).title}: {comp.number} of {len(self.components)}"

    def _show_component(self, comp: Component) -> None:
        self.console.print()
        say(self.console, self._heading(comp), style="bold underline")
        say(self.console, self._name(comp), style="bold")
        say(self.console, "How?")
        self.console.print(bullets(comp.how))
        given = self.c.session.answers.get(comp.id, {})
        if given:
            goals = {g.id: g.goal for g in self.c.earlier_goals()}
            say(self.console, "Already noted:")
            for spec in comp.fields:
                if spec.id in given:
                    self.console.print(answer_block(self.protocol, spec, given[spec.id], goals))

    def _choices(self, comp: Component, at: int) -> list[Choice]:
        """The component's menu; values other than the ones `_visit` moves on are handled by `_aside`."""
        choices = [Choice("Answer" if self._status(comp) == "not started" else "Review and change", "answer")]
        choices += [Choice("Why?", "why"), Choice("Skip to the next component", "skip")]
        if at > 0:
            choices.append(Choice("Back to the previous component", "back"))
        choices += [Choice("Jump to a phase or component", "jump"), Choice("Finish the consultation", "finish")]
        return choices

    def _pointer(self, comp: Component) -> object:
        """The menu entry the pointer starts on."""
        return "answer"

    def _aside(self, comp: Component, action: object) -> None:
        """A menu action that stays at the component (here: Why?)."""
        say(self.console, "Why?")
        self.console.print(bullets(comp.why))

    def _visit(self, at: int) -> int | None:
        """Show one component and act on the menu; the index to go to next, or None to finish."""
        comp = self.components[at]
        self._show_component(comp)
        while True:
            action = prompts.select(f"Component {comp.number}", self._choices(comp, at), default=self._pointer(comp))
            if action == "answer":
                for spec in comp.fields:
                    self.fields.ask(comp, spec)
                return at + 1
            if action == "skip":
                return at + 1
            if action == "back":
                return at - 1
            if action == "jump":
                return self._jump(at)
            if action == "finish":
                return None
            self._aside(comp, action)

    def _carry_on(self, at: int, field: Field) -> int:
        """Back in the component the consultation stopped in: its first field without an answer and the fields
        after it, as "Answer" would ask them; then on to the next component."""
        comp = self.components[at]
        self._show_component(comp)
        say(self.console, "Carrying on at the first question without an answer.")
        for spec in comp.fields[comp.fields.index(field) :]:
            self.fields.ask(comp, spec)
        return at + 1

    def _jump(self, at: int) -> int:
        """Pick a phase (its first component) or a component; phases and components have distinct ids."""
        choices = []
        for phase in self.protocol.phases:
            choices.append(Choice(phase.title, phase.id))
            choices += [Choice(f"   {self._name(c)} ({self._status(c)})", c.id) for c in phase.components]
        picked = prompts.select("Go to", choices, default=self.components[at].id)
        target = next((p.components[0].id for p in self.protocol.phases if p.id == picked), picked)
        return self.components.index(self.protocol.component(target))

    def _finish(self) -> int | None:
        """The end of the walk: None when done, or the index of a component to go on with."""
        self.console.print()
        complete = prompts.select(
            "Finish",
            [Choice("Complete the session", True), Choice("Keep it open to continue later", False)],
            default=True,
        )
        if complete:
            self.c.complete()
        self.console.print()
        self.console.print(clinician_renderable(self.c.record, self.c.session, self.protocol))
        self.console.print()
        pid, sid = self.c.patient.id, self.c.session.id
        say(self.console, "Patient handout:")
        say_command(self.console, f"  {self.command} export {pid} --session {sid} --handout --format html --out .")
        if not complete:
            self._resume_hint()
        return None

    def _resume_hint(self) -> None:
        where = self._name(self._resume_point()[0])
        say(self.console, f"To continue (starts at {where}):")
        say_command(self.console, f"  {self.command} consult {self.c.patient.id} --plain")
