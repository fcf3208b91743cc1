"""Store errors, each a one-line message for the user."""

from pathlib import Path

from backcoach.errors import BackcoachError, IntegrityError


class PatientNotFound(BackcoachError):
    def __init__(self, patient_id: str):
        super().__init__(f"no patient with id {patient_id!r} (see `backcoach patient list --all`)")


class PatientLocked(BackcoachError):
    def __init__(self, patient_id: str, pid: str):
        self.patient_id, self.pid = patient_id, pid
        super().__init__(f"patient {patient_id} is open in another backcoach window (pid {pid or 'unknown'})")


class DamagedFile(IntegrityError):
    """A patient file cannot be read. It is never overwritten; `db check --repair` restores the .bak."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path} is damaged ({reason}); run `backcoach db check`")


class FileChangedOnDisk(IntegrityError):
    """A patient file open for writing was replaced or changed by something else since it was read: saving would
    overwrite that (and make it the .bak), so the save is refused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{path} was changed by another program since backcoach opened it; not saved over it "
            "(close the patient, then run `backcoach db check`)"
        )
