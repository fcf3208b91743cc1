"""A consultation in progress: the one service the TUI and plain mode both drive.

It holds the patient's write lock, resumes the open session or starts one, applies answers (cleaned and
checked by the model) and writes them through the store. Stored values that do not fit their field (a file edited
by hand) are left out of what the UIs see, so the next save of the open session drops them (its .bak keeps them).
Saving is split in two so a UI can keep disk work off its keystroke path: `snapshot()` copies the session on the
UI thread, `write(snapshot)` can run in a worker.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from backcoach.errors import UsageError
from backcoach.model import GoalState, Patient, PatientRecord, Session, fitting_answers, fitting_record, goal_states
from backcoach.protocol import Component, Field, Protocol
from backcoach.store import Home, PatientWriter


class Consultation:
    def __init__(self, home: Home, protocol: Protocol, patient_id: str, session_id: str | None = None):
        self.protocol = protocol
        self._writer: PatientWriter | None = home.open(patient_id)
        self._write_lock = threading.Lock()
        try:
            self.record: PatientRecord = self._writer.record
            for session in self.record.sessions:  # a hand-edited file may hold values no UI can show or edit
                session.answers = fitting_answers(protocol, session.answers)
            if session_id is None:
                self.session: Session = self._writer.start_session(protocol)
            else:
                self.session = self.record.session(session_id)
        except BaseException:
            self._writer.close()
            raise

    @classmethod
    def view(cls, record: PatientRecord, protocol: Protocol, session: Session) -> Consultation:
        """A read-only consultation over a loaded record: a completed session, or a patient open elsewhere.

        It holds no lock and cannot save; reading works as for a live consultation.
        """
        self = cls.__new__(cls)
        record = fitting_record(record, protocol)  # shown as a live consultation shows it (old option ids mapped)
        self.protocol, self.record, self.session = protocol, record, record.session(session.id)
        self._writer = None
        self._write_lock = threading.Lock()
        return self

    @property
    def read_only(self) -> bool:
        return self._writer is None

    # --- reading --------------------------------------------------------------------------------------------
    @property
    def patient(self) -> Patient:
        return self.record.patient

    def earlier_goals(self) -> list[GoalState]:
        """Active goals set before this session: the ones a follow-up evaluates."""
        return [g for g in goal_states(self.record, self.protocol, upto=self.session) if g.active]

    def previous_answer(self, component_id: str, field_id: str) -> Any:
        """The latest answer to this field in an earlier session (e.g. fear ratings to re-rate), or None."""
        earlier = [s for s in self.record.sessions if s.id != self.session.id and s.started <= self.session.started]
        for s in reversed(earlier):
            value = s.answer(component_id, field_id)
            if value is not None:
                return copy.deepcopy(value)
        return None

    def first_unanswered(self) -> Component:
        """Where to resume: the first component with no answer yet (the first one if all have answers)."""
        for comp in self.protocol.components:
            if self.session.component_status(self.protocol, comp.id) == "not started":
                return comp
        return self.protocol.components[0]

    def stopped_in(self) -> tuple[Component, Field] | None:
        """The component a walk through the components (plain mode) stopped in, and its first field without an
        answer: the last component with answers, while one of its fields has none (Ctrl-C after a goal, before the
        motivation). None when the last one with answers is complete, or there are none.

        Only answers are stored, so a walk that went through a component leaving its last fields empty and stopped
        at the next one reads the same: it is taken as stopped in the earlier one (asking again what was left
        empty loses nothing; going on past it would leave its remaining fields unasked)."""
        last = next((c for c in reversed(self.protocol.components) if c.id in self.session.answers), None)
        if last is None or self.session.component_status(self.protocol, last.id) != "started":
            return None
        given = self.session.answers[last.id]
        return last, next(f for f in last.fields if f.id not in given)

    # --- changing -------------------------------------------------------------------------------------------
    def update(self, component_id: str, field_id: str, value: Any) -> bool:
        """Change one answer in memory (cleaned and checked); call save() or snapshot()/write() to persist.
        False when it is the answer stored already."""
        return self.session.set_answer(self.protocol, component_id, field_id, value)

    def set(self, component_id: str, field_id: str, value: Any) -> None:
        """Change one answer and save it now."""
        self.update(component_id, field_id, value)
        self.save()

    def snapshot(self) -> Session:
        """A deep copy of the session, safe to hand to another thread for writing."""
        return Session.from_dict(copy.deepcopy(self.session.to_dict()))

    def write(self, snapshot: Session) -> None:
        """Write a snapshot to disk (any thread; writes are serialised)."""
        if self._writer is None:
            raise UsageError("this consultation is open read-only")
        with self._write_lock:
            self._writer.save_session(snapshot)

    def save(self) -> None:
        self.write(self.snapshot())

    def complete(self) -> None:
        self.session.complete()
        self.save()

    def close(self) -> None:
        if self._writer is None:
            return
        with self._write_lock:
            self._writer.close()

    def __enter__(self) -> Consultation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
