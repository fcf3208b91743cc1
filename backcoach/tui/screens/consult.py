"""The consultation: phases as tabs, the phase's components beside the form, guidance on the right.

Every change goes into the Consultation in memory at once and is saved by the Autosaver (≤ 1 s, and on every
navigation). On open, focus is in the first answer field of the first component with no answer yet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import ContentSwitcher, OptionList, Static

from backcoach.consultation import Consultation
from backcoach.errors import BackcoachError
from backcoach.protocol import Component, Phase
from backcoach.tui.dialogs.confirm import ConfirmDialog
from backcoach.tui.display import day, literal, meter
from backcoach.tui.saving import Autosaver
from backcoach.tui.screens.base import AppScreen
from backcoach.tui.widgets.fields import AnswerField
from backcoach.tui.widgets.footer import KeyFooter
from backcoach.tui.widgets.form import ComponentForm, form_id
from backcoach.tui.widgets.guidance import guidance_for
from backcoach.tui.widgets.items import ItemListField
from backcoach.tui.widgets.nav import ComponentNav
from backcoach.tui.widgets.phases import PhaseTabs

Command = tuple[str, str, Callable[[], object]]


class ConsultScreen(AppScreen):
    AUTO_FOCUS = ""  # on_mount puts focus in place: focusing the tabs first only to move on restyles both twice
    WIDE = 110  # from this width the guidance pane shows beside the form
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]
    # completing: the question (before and after the count of components answered) and its button
    COMPLETE = ("Complete this session?", "A completed session can no longer be changed.", "Complete")
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Save and go back to the patient", id="consult.back"),
        Binding("ctrl+b", "step(-1)", "Prev", tooltip="Previous component (saves)", priority=True, id="consult.prev"),
        Binding("ctrl+n", "step(1)", "Next", tooltip="Next component (saves)", priority=True, id="consult.next"),
        Binding(
            "ctrl+t",
            "toggle_why",
            "Why?",
            tooltip="Show or hide why each component matters",
            priority=True,
            id="consult.why",
        ),
        Binding(
            "ctrl+g",
            "toggle_guidance",
            "Guide",
            tooltip="Show or hide the guidance pane",
            priority=True,
            id="consult.guidance",
        ),
        Binding(
            "ctrl+z",
            "undo_remove",
            "Undo",
            tooltip="Bring back the goal or activity just removed",
            show=False,
            priority=True,  # before a text area's own undo; with nothing removed, it goes on to the text area
            id="consult.undo_remove",
        ),
        Binding(
            "ctrl+f",
            "complete",
            "Finish",
            tooltip="Complete the session and see its summary",
            priority=True,
            id="consult.complete",
        ),
    ]

    def __init__(self, consultation: Consultation, note: str = ""):
        # the width class from the start, so the first resize does not restyle the whole screen
        super().__init__(classes="-wide" if self.app.size.width >= self.WIDE else "-narrow")
        self.consultation, self.protocol = consultation, consultation.protocol
        self.session = consultation.session
        self.note = note  # e.g. why this opened read-only
        self.current: Component = self.protocol.components[0]
        self.autosaver = Autosaver(self, consultation, self.saved, self.save_failed, self.app_clock)
        self.undo_field: ItemListField | None = None  # where ctrl+z brings back the last removed item
        self.closed = False
        self.opened = False  # its first component shown (on_mount is done): what tests and scripts wait for

    def app_clock(self) -> datetime:
        return self.backcoach.clock()

    # --- layout ---------------------------------------------------------------------------------------------
    def heading(self) -> str:
        patient = self.consultation.patient
        return f"{patient.name} ({patient.id}) · {self.session.kind} · {day(self.session.started)}"

    def compose(self) -> ComposeResult:
        yield Static(literal(self.heading()), id="topbar")
        if self.read_only:
            yield Static(literal(self.note or "Read only."), id="read-only")
        yield PhaseTabs({p.id: p.title for p in self.protocol.phases}, id="phases")
        with Horizontal(id="body"):
            yield ComponentNav(id="nav")
            yield ContentSwitcher(id="forms")
            with VerticalScroll(id="guidance"):
                yield Static(id="guidance-text")
        yield from self.compose_below_body()
        with Horizontal(id="statusbar"):
            yield Static(id="coverage")
            yield from self.compose_status()
            yield Static(id="undo")
            yield Static(id="saved")
        yield KeyFooter()

    # hooks for a screen built on this one (practice mode): more panes under the body, more in the status bar
    def compose_below_body(self) -> ComposeResult:
        return ()

    def compose_status(self) -> ComposeResult:
        return ()

    @property
    def read_only(self) -> bool:
        return self.consultation.read_only or not self.session.is_open

    async def on_mount(self) -> None:
        self.set_class(self.read_only, "-read-only")
        start = self.protocol.components[0] if self.read_only else self.consultation.first_unanswered()
        self.query_one("#saved", Static).update("Read only" if self.read_only else "Autosave on")
        await self.goto(start.id, focus=not self.read_only)
        if self.read_only:
            self.query_one(PhaseTabs).focus()
        self.opened = True

    # --- navigation -----------------------------------------------------------------------------------------
    async def goto(self, component_id: str, *, focus: bool = True) -> None:
        """Show a component (saving first); with focus, put the cursor in its first answer field."""
        self.autosaver.save()
        self.current = self.protocol.component(component_id)
        self.offer_undo(None, "")  # a removal is undone where it was made
        phase = self.protocol.phase_of(component_id)
        self.query_one(PhaseTabs).active = phase.id
        nav = self.query_one(ComponentNav)
        with nav.prevent(OptionList.OptionHighlighted):
            nav.show(self.protocol, phase, self.session, component_id)
        form = await self.form(self.current)
        self.query_one(ContentSwitcher).current = form.id
        self.refresh_progress(marks=False)
        if focus:
            form.focus_first()

    async def form(self, component: Component) -> ComponentForm:
        """The component's form, built on first visit (so opening a consultation stays fast)."""
        switcher = self.query_one(ContentSwitcher)
        found = switcher.query(f"#{form_id(component.id)}")
        if found:
            return found.first(ComponentForm)
        form = self.new_form(component)
        await switcher.mount(form)
        if self.read_only:
            for answer in form.query(AnswerField):
                answer.disabled = True
        return form

    def new_form(self, component: Component) -> ComponentForm:
        return ComponentForm(self.consultation, component)

    async def on_phase_tabs_picked(self, event: PhaseTabs.Picked) -> None:
        phase = next(p for p in self.protocol.phases if p.id == event.phase_id)
        if self.protocol.phase_of(self.current.id) != phase:
            await self.goto(self.first_open_in(phase).id, focus=False)

    def first_open_in(self, phase: Phase) -> Component:
        for comp in phase.components:
            if self.session.component_status(self.protocol, comp.id) != "done":
                return comp
        return phase.components[0]

    async def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and event.option.id != self.current.id:
            await self.goto(event.option.id, focus=False)

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            await self.goto(event.option.id, focus=True)

    async def action_step(self, delta: int) -> None:
        comps = self.protocol.components
        index = comps.index(self.current) + delta
        if 0 <= index < len(comps):
            await self.goto(comps[index].id)

    def action_toggle_why(self) -> None:
        self.toggle_class("-why")

    def action_toggle_guidance(self) -> None:
        self.toggle_class("-guidance")

    # --- answers and saving ---------------------------------------------------------------------------------
    def on_answer_field_changed(self, event: AnswerField.Changed) -> None:
        if self.read_only:
            return
        try:
            if not self.consultation.update(event.answer.component.id, event.answer.spec.id, event.value):
                return  # the same answer once cleaned (a trailing space): nothing to save
        except BackcoachError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.autosaver.changed()
        self.refresh_progress()

    def on_item_list_field_removed(self, event: ItemListField.Removed) -> None:
        self.offer_undo(event.field, f"ctrl+z brings back the removed {event.what}")

    def offer_undo(self, field: ItemListField | None, say: str) -> None:
        self.undo_field = field
        self.query_one("#undo", Static).update(literal(say))

    async def action_undo_remove(self) -> None:
        field = self.undo_field
        if field is None or not field.can_restore:
            raise SkipAction()
        await field.restore()
        if not field.can_restore:
            self.offer_undo(None, "")

    def refresh_progress(self, marks: bool = True) -> None:
        protocol, session = self.protocol, self.session
        covered = set(session.covered(protocol))
        tabs = self.query_one(PhaseTabs)
        for phase in protocol.phases:
            done = sum(c.id in covered for c in phase.components)
            tabs.relabel(phase.id, f"{phase.title} {meter(done, len(phase.components))}")
        total = len(protocol.components)
        overall = f"Covered {len(covered)}/{total} {meter(len(covered), total, 10)}"
        self.query_one("#coverage", Static).update(literal(overall))
        if marks:
            self.query_one(ComponentNav).refresh_marks(protocol, session)
        self.query_one("#guidance-text", Static).update(guidance_for(protocol, self.current, session))

    def saved(self, when: datetime) -> None:
        self.query_one("#saved", Static).update(f"Saved {when:%H:%M:%S}")

    def save_failed(self, reason: str) -> None:
        self.query_one("#saved", Static).update(literal(f"NOT SAVED: {reason}", "bold"))
        self.notify(f"Could not save: {reason}", severity="error", markup=False)

    def finish(self) -> bool:
        """Save everything and release the patient; False (and nothing released) if saving failed."""
        if self.closed:
            return True
        if not self.read_only and not self.autosaver.flush():
            return False
        self.consultation.close()
        self.closed = True
        return True

    # --- leaving --------------------------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.finish():
            self.backcoach.leave_consultation(self.consultation.patient.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Finish shows dimmed on a read-only session: there is nothing to complete."""
        return None if action == "complete" and self.read_only else True

    def action_complete(self) -> None:
        ask, warn, confirm = self.COMPLETE
        covered = len(self.session.covered(self.protocol))
        question = f"{ask} {covered} of {len(self.protocol.components)} components have answers. {warn}"
        self.app.push_screen(ConfirmDialog(question, confirm), self.completed)

    def completed(self, confirmed: bool | None) -> None:
        if not confirmed or not self.autosaver.flush():
            return
        try:
            self.end_session()
        except BackcoachError as exc:
            self.notify(str(exc), severity="error", markup=False)

    def end_session(self) -> None:
        """Complete the session, release the patient and show the summary (practice mode shows feedback)."""
        self.consultation.complete()
        self.finish()
        self.backcoach.show_summary(self.consultation)

    def palette_commands(self) -> list[Command]:
        """What the command palette offers on this screen."""
        commands: list[Command] = [
            (f"Go to phase: {p.title}", "Show this phase's components", partial(self.run_goto, p.components[0]))
            for p in self.protocol.phases
        ]
        commands += [
            (f"Go to {c.number}. {c.title}", "Open this component", partial(self.run_goto, c))
            for c in self.protocol.components
        ]
        commands += [
            ("Toggle Why?", "Show or hide why each component matters", self.action_toggle_why),
            ("Toggle guidance", "Show or hide the guidance pane", self.action_toggle_guidance),
        ]
        if not self.read_only:
            commands.append(("Complete session", "Confirm, then see the summary", self.action_complete))
        if not self.session.is_open:  # as on the patient screen: completed sessions only
            commands.append(("Export…", "Save this session's handout or summary, or the whole record", self.export))
        return commands

    def export(self) -> None:
        from backcoach.tui.dialogs.export import offer_export

        offer_export(self, self.consultation.record, self.session)

    def run_goto(self, component: Component) -> None:
        self.run_worker(self.goto(component.id), exclusive=True, group="goto")
