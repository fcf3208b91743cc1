"""Practice mode: the consultation screen on a simulated patient.

Everything a real consultation does stays the ConsultScreen's (answers recorded and autosaved through the attempt's
Consultation). On top: a case card to start, How? bullets the student asks (enter, a click, or ctrl+o for the next
one) with the simulated patient's responses in a conversation pane, a timer per phase, and on finishing the feedback
instead of the clinician's summary.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from backcoach.errors import BackcoachError, describe
from backcoach.practice.scoring import duration
from backcoach.practice.session import PracticeSession
from backcoach.protocol import Component
from backcoach.tui.dialogs.case import CaseDialog
from backcoach.tui.display import literal
from backcoach.tui.screens.consult import Command, ConsultScreen
from backcoach.tui.screens.feedback import FeedbackScreen
from backcoach.tui.widgets.asking import AskList, Conversation
from backcoach.tui.widgets.form import ComponentForm


class PracticeForm(ComponentForm):
    """A component's form whose How? bullets are asked of the simulated patient; the cursor starts on them."""

    def __init__(self, practice: PracticeSession, component: Component):
        super().__init__(practice.consultation, component)
        self.practice = practice

    def compose_how(self) -> ComposeResult:
        yield Static(literal("How?", "bold"), classes="how-title")
        yield AskList(self.practice, self.component)

    def focus_first(self) -> None:
        """The first How? bullet not asked yet; once all are asked, the first answer field."""
        asking = self.query_one(AskList)
        following = asking.next_unasked()
        if following is None:
            super().focus_first()
            return
        self.scroll_home(animate=False, immediate=True)
        asking.highlighted = following
        asking.focus()


class PracticeScreen(ConsultScreen):
    BINDINGS = [
        Binding("ctrl+o", "ask_next", "Ask", tooltip="Ask the next How? bullet", priority=True, id="practice.ask"),
    ]

    COMPLETE = ("Finish this attempt and see your feedback?", "A finished attempt can no longer be changed.", "Finish")

    def __init__(self, practice: PracticeSession):
        super().__init__(practice.consultation)
        self.practice = practice
        self.card_shown = False
        self.timing = False  # the phase timer runs once the student has read the case card

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """On the How? list enter asks: ctrl+o leaves the footer (the 80-column footer has no room for both)."""
        return not (action == "ask_next" and isinstance(self.focused, AskList))

    def heading(self) -> str:
        patient = self.practice.case.patient
        return f"Practice: {self.practice.case.title} · {patient.name}, {patient.age}"

    def compose_below_body(self) -> ComposeResult:
        yield Conversation(self.practice, id="conversation")

    def compose_status(self) -> ComposeResult:
        yield Static(id="timer")

    def new_form(self, component: Component) -> ComponentForm:
        return PracticeForm(self.practice, component)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self.card_shown:
            self.card_shown = True
            note = self.practice.carrying_on() if self.practice.resumed else ""
            self.app.push_screen(CaseDialog(self.practice.case, note), lambda _: self.start())

    def start(self) -> None:
        self.timing = True
        self.track(self.current.id)
        self.set_interval(1, self.refresh_timer, name="phase timer")

    async def goto(self, component_id: str, *, focus: bool = True) -> None:
        await super().goto(component_id, focus=focus)
        if self.timing:
            self.track(component_id)

    def track(self, component_id: str) -> None:
        """Time now counts for this component's phase (the practice metadata is saved when the phase changes)."""
        try:
            self.practice.focus(component_id)
        except (BackcoachError, OSError) as exc:
            self.notify(f"Could not save the phase times: {describe(exc)}", severity="error", markup=False)
        self.refresh_timer()

    def refresh_timer(self) -> None:
        seconds = self.practice.phase_seconds()
        phase = self.protocol.phase_of(self.current.id)
        shown = f"{phase.title} {duration(seconds.get(phase.id, 0.0))} · all {duration(sum(seconds.values()))}"
        self.query_one("#timer", Static).update(literal(shown))

    # --- asking ---------------------------------------------------------------------------------------------
    async def on_ask_list_asked(self, event: AskList.Asked) -> None:
        await self.ask(event.component, event.how)

    async def action_ask_next(self) -> None:
        asking = (await self.form(self.current)).query_one(AskList)
        following = asking.next_unasked()
        if following is None:
            self.notify("Every How? bullet here has been asked; pick one in the list to ask it again.")
            asking.focus()
            return
        await self.ask(self.current, following)

    async def ask(self, component: Component, how: int) -> None:
        try:
            response = self.practice.ask(component.id, how)
        except (BackcoachError, OSError) as exc:
            self.notify(f"Could not ask: {describe(exc)}", severity="error", markup=False)
            return
        (await self.form(component)).query_one(AskList).refresh_marks()
        self.refresh_timer()
        await self.query_one(Conversation).add(component.how[how], response)

    def palette_commands(self) -> list[Command]:
        return [
            ("Ask the next How? bullet", "Put it to the simulated patient", self.run_ask_next)
        ] + super().palette_commands()

    def run_ask_next(self) -> None:
        self.run_worker(self.action_ask_next(), exclusive=True, group="ask")

    # --- leaving --------------------------------------------------------------------------------------------
    def finish(self) -> bool:
        """Save the answers; the attempt itself is closed by whoever opened it (the CLI's PracticeSession)."""
        return self.autosaver.flush()

    def end_session(self) -> None:
        try:
            feedback = self.practice.finish()
        except OSError as exc:
            raise BackcoachError(f"could not save the attempt: {describe(exc)}") from exc
        self.app.switch_screen(FeedbackScreen(feedback))
