"""A practice consultation in progress: the service the TUI and plain mode drive in practice mode.

It wraps a Consultation on the attempt's simulated patient, so answers, goals and plan are recorded exactly as in
a real consultation (`practice.consultation.update/set/...`). On top it gives the simulated patient's responses
(`ask`), a timer per phase (`focus`), and the feedback when the student finishes (`finish`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from backcoach.consultation import Consultation
from backcoach.errors import UsageError
from backcoach.model import now
from backcoach.practice.attempts import AttemptMeta, AttemptStore
from backcoach.practice.cases import Case
from backcoach.practice.scoring import Attempt, Feedback, duration, score
from backcoach.protocol import Protocol
from backcoach.store import Home


class PracticeSession:
    def __init__(
        self,
        home: Home,
        protocol: Protocol,
        case: Case,
        attempt_id: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.home, self.protocol, self.case = home, protocol, case  # home: the user's data folder, not practice/
        self._store = AttemptStore(home)
        session_id = self._store.read_meta(attempt_id).session_id
        self.consultation = Consultation(self._store.home, protocol, attempt_id, session_id)
        try:  # read again under the attempt's lock: the metadata's one writer is whoever holds it
            self.meta: AttemptMeta = self._store.read_meta(attempt_id)
            if self.meta.case_id != case.id:  # the command line names a case and an attempt that do not go together
                raise UsageError(f"attempt {attempt_id} is for case {self.meta.case_id!r}, not {case.id!r}")
            if self.meta.finished:
                raise UsageError(f"attempt {attempt_id} is finished; start a new one with `backcoach practice run`")
        except BaseException:
            self.consultation.close()
            raise
        self._clock = clock
        self._phase: str | None = None
        self._since = clock()

    @classmethod
    def start(
        cls,
        home: Home,
        protocol: Protocol,
        case: Case,
        student: str = "",
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> PracticeSession:
        """Create a new attempt at `case` and open it."""
        meta = AttemptStore(home).create(protocol, case, student)
        return cls(home, protocol, case, meta.id, clock=clock)

    @property
    def attempt_id(self) -> str:
        return self.meta.id

    @property
    def resumed(self) -> bool:
        """Whether the attempt was carried on from an earlier run: something was asked, answered or timed."""
        c = self.consultation
        return bool(self.meta.asked or self.meta.phase_seconds or c.session.covered(self.protocol))

    def carrying_on(self) -> str:
        """The line a UI shows when it reopens a resumed attempt: what it already holds."""
        covered = len(self.consultation.session.covered(self.protocol))
        asked = len(self.meta.asked_pairs)
        spent = duration(sum(self.phase_seconds().values()))
        return (
            f"Carrying on with attempt {self.attempt_id}: {covered} of {len(self.protocol.components)} components "
            f"have answers, {asked} How? bullet(s) were asked, {spent} spent so far."
        )

    def stopped_lines(self, command: str, *, plain: bool = False) -> list[str]:
        """What a UI prints when it stops before the attempt is finished; the last line is the command to carry on."""
        ui = " --plain" if plain else ""
        return [
            f"Attempt {self.attempt_id} is not finished, so it has no feedback yet.",
            "To carry on with it:",
            f"  {command} {self.meta.resume_args()}{ui}",
        ]

    @property
    def opening(self) -> str:
        """What the simulated patient says first."""
        return self.case.patient.opening

    # --- asking ---------------------------------------------------------------------------------------------
    def ask(self, component_id: str, how_index: int) -> str:
        """The student asks one How bullet: record it and return the simulated patient's response."""
        try:
            comp = self.protocol.component(component_id)
        except StopIteration:
            raise UsageError(f"the protocol has no component {component_id!r}") from None
        if not 0 <= how_index < len(comp.how):
            raise UsageError(f"{component_id} has no How bullet {how_index}")
        self._switch(component_id)
        self.meta.asked.append({"component": component_id, "how": how_index, "at": now().isoformat()})
        self._save_meta()
        return self.case.response(component_id, how_index)

    def exchanges(self) -> list[tuple[str, str]]:
        """Every How? bullet asked so far, in order, with the simulated patient's response (an entry a hand-edited
        file holds for no bullet of the protocol is left out)."""
        hows = {c.id: c.how for c in self.protocol.components}
        return [
            (hows[a["component"]][a["how"]], self.case.response(a["component"], a["how"]))
            for a in self.meta.asked
            if 0 <= a["how"] < len(hows.get(a["component"], ()))
        ]

    def was_asked(self, component_id: str, how_index: int) -> bool:
        return (component_id, how_index) in self.meta.asked_pairs

    # --- phase timer ----------------------------------------------------------------------------------------
    def focus(self, component_id: str) -> None:
        """The student moved to a component (call it for the first one shown too): time now counts for its phase."""
        if self._switch(component_id):
            self._save_meta()

    def phase_seconds(self) -> dict[str, float]:
        """Seconds per phase id so far, the running phase included."""
        seconds = dict(self.meta.phase_seconds)
        if self._phase is not None:
            seconds[self._phase] = seconds.get(self._phase, 0.0) + self._clock() - self._since
        return seconds

    def _switch(self, component_id: str) -> bool:
        phase = self.protocol.phase_of(component_id).id
        if phase == self._phase:
            return False
        self._bank()
        self._phase = phase
        return True

    def _bank(self) -> None:
        """Add the running phase's time to the stored totals and restart the clock."""
        self.meta.phase_seconds = self.phase_seconds()
        self._since = self._clock()

    def _save_meta(self) -> None:
        self._bank()
        self._store.write_meta(self.meta)

    # --- finishing ------------------------------------------------------------------------------------------
    def feedback(self) -> Feedback:
        """The feedback on the attempt as it stands (finish() gives the final one)."""
        c = self.consultation
        attempt = Attempt.of(self.protocol, c.record, c.session, self.meta.asked_pairs)
        return score(self.case, self.protocol, attempt, self.phase_seconds(), **self.meta.labels())

    def finish(self) -> Feedback:
        """Complete the practice session, stop the timers, and return the feedback."""
        self._bank()
        self._phase = None
        self.consultation.complete()
        self.meta.finished = now()
        self._store.write_meta(self.meta)
        return self.feedback()

    def close(self) -> None:
        """Save the timers and release the attempt (an unfinished attempt can be reported, marked unfinished)."""
        try:
            if not self.meta.finished:
                self._save_meta()
        finally:
            self.consultation.close()

    def __enter__(self) -> PracticeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
