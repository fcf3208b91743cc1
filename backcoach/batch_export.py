"""Batch export: every selected session (or, for json, patient) to its own file, across all cores.

The unit of work is one patient: a worker loads the file, renders the chosen sessions and writes each output
atomically (0600). A damaged patient file or an existing output file is reported in that patient's result and
the batch goes on; the caller turns the results into a tally and an exit code.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from pathlib import Path

from backcoach.errors import BackcoachError
from backcoach.model import PatientRecord, Session
from backcoach.protocol import Protocol, load_protocol
from backcoach.store import Home
from backcoach.store.atomic import atomic_write, sync_all, write_new
from backcoach.summary import SUFFIXES, Document, clinician_summary, patient_handout, render
from backcoach.summary.build import first_day
from backcoach.transfer import dumps, export_record

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class ExportJob:
    """What to export and how; picklable, so each worker gets its own copy."""

    home: Path | None = None
    protocol_path: Path | None = None
    fmt: str = "text"
    handout: bool = False
    session_id: str | None = None
    since: date | None = None
    until: date | None = None
    deidentify: bool = False
    out: Path | None = None
    force: bool = False

    @property
    def filtered(self) -> bool:
        return self.session_id is not None or self.since is not None or self.until is not None

    def sessions(self, record: PatientRecord) -> list[Session]:
        """The patient's sessions this job selects, oldest first."""
        return [
            s
            for s in record.sessions
            if (self.session_id is None or s.id == self.session_id)
            and (self.since is None or s.started.date() >= self.since)
            and (self.until is None or s.started.date() <= self.until)
        ]

    def document(self, record: PatientRecord, protocol: Protocol, session: Session) -> Document:
        build = patient_handout if self.handout else clinician_summary
        return build(record, session, protocol, deidentify=self.deidentify)

    def content(self, record: PatientRecord, protocol: Protocol, session: Session | None = None) -> str:
        """The text of one output: a session's summary or handout, or (json) the record with the chosen sessions."""
        if self.fmt == "json":
            return dumps(
                export_record(record, deidentify=self.deidentify, sessions=self.sessions(record), protocol=protocol)
            )
        if session is None:
            raise ValueError(f"a {self.fmt} export is of one session; none given")
        return render(self.document(record, protocol, session), self.fmt)

    def file_name(self, record: PatientRecord, session: Session | None = None) -> str:
        """`<patient>.json`, or `<patient>_<date or day N>_<session>[_handout].<ext>`; only [A-Za-z0-9_-]."""
        pid = record.patient.id
        if session is None:
            return f"{pid}{SUFFIXES['json']}"
        when = f"day{(session.started.date() - first_day(record)).days}" if self.deidentify else session.started.date()
        sid = _UNSAFE_NAME.sub("_", session.id)[:64]
        return f"{pid}_{when}_{sid}{'_handout' if self.handout else ''}{SUFFIXES[self.fmt]}"


def export_one(
    record: PatientRecord, session: Session, protocol: Protocol, out: Path, fmt: str, *, handout: bool = False
) -> Path:
    """Write one session's summary or handout (or, for json, the record) into `out` and return the path.

    For a screen's "export" action: an existing file is never replaced; the new one gets a `-2`, `-3` … suffix.
    """
    target = None if fmt == "json" else session
    job = ExportJob(fmt=fmt, handout=handout, out=out)
    content = job.content(record, protocol, target).encode("utf-8")
    return write_new(out / job.file_name(record, target), content, SUFFIXES[fmt])  # placed by a rename that cannot
    # replace: an export made at the same moment elsewhere is never overwritten either


@dataclass
class PatientResult:
    patient_id: str
    sessions: int = 0
    written: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    error: str | None = None


@cache
def _protocol(path: Path | None) -> Protocol:
    return load_protocol(path)


def export_patient(job: ExportJob, patient_id: str) -> PatientResult:
    """Write one patient's files into job.out; never raises for a bad patient file or an existing output."""
    if job.home is None or job.out is None:  # a batch's job has both (a screen's single export has no home)
        raise ValueError("a batch export needs a home and an output folder")
    result = PatientResult(patient_id)
    try:
        record = Home(job.home).load(patient_id)
        protocol = _protocol(job.protocol_path)
        chosen = job.sessions(record)
        result.sessions = len(chosen)
        if job.fmt == "json":
            outputs = (
                [(job.file_name(record), lambda: job.content(record, protocol))] if chosen or not job.filtered else []
            )
        else:
            outputs = [(job.file_name(record, s), partial(job.content, record, protocol, s)) for s in chosen]
        for name, content in outputs:
            path = job.out / name
            if path.exists() and not job.force:
                result.existing.append(name)
                continue
            # run_export syncs the batch at once where the system can (os.sync; not on Windows: each file is synced)
            # without --force, a file made meanwhile is not replaced either
            try:
                atomic_write(path, content().encode("utf-8"), durable=not hasattr(os, "sync"), replace=job.force)
            except FileExistsError:
                result.existing.append(name)
                continue
            result.written.append(name)
    except (BackcoachError, OSError) as exc:
        if isinstance(exc, BackcoachError):
            result.error = str(exc)
        else:
            where = f"{exc.filename}: " if exc.filename else ""
            result.error = f"{where}{exc.strerror or exc}"
    return result


def run_export(job: ExportJob, patient_ids: list[str], workers: int | None = None) -> Iterator[PatientResult]:
    """Each patient's result, in order; more than one worker runs a process pool."""
    workers = min(workers or os.cpu_count() or 1, len(patient_ids))
    if workers <= 1:
        results = map(partial(export_patient, job), patient_ids)
        yield from _synced(results)
        return
    chunk = max(1, min(32, len(patient_ids) // (workers * 8)))
    gc.freeze()  # forked workers then share the parent's objects instead of copying every page the GC touches
    try:
        with ProcessPoolExecutor(max_workers=workers, initializer=exit_with_parent) as pool:
            yield from _synced(pool.map(partial(export_patient, job), patient_ids, chunksize=chunk))
    finally:
        gc.unfreeze()


def exit_with_parent() -> None:
    """A pool worker's initializer: the worker ends as soon as the process that started it is gone.

    A parent killed outright (SIGKILL, a closed terminal, the task manager) cannot tell its workers; they would wait
    for work on the pool's pipe for ever, since every worker holds that pipe open too. multiprocessing gives each
    child a sentinel of its parent (a pipe closed when the parent dies on POSIX, its process handle on Windows): a
    daemon thread waits on it.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - only ever called in a pool worker
        return

    def watch() -> None:
        from multiprocessing.connection import wait

        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _synced(results: Iterator[PatientResult]) -> Iterator[PatientResult]:
    """Pass the results on, holding back the last one until the batch's files are on disk.

    One sync for the whole batch instead of two fsyncs per file: two workers' fsyncs queue on the same disk
    journal, which would cap what the second worker can add. The tally comes after the last result, so it
    never reports a file written before it is durable.
    """
    previous = None
    for result in results:
        if previous is not None:
            yield previous
        previous = result
    sync_all()
    if previous is not None:
        yield previous


@dataclass
class Tally:
    patients: int = 0
    sessions: int = 0
    written: int = 0
    existing: int = 0
    failed: int = 0

    def add(self, result: PatientResult) -> None:
        self.patients += 1
        self.sessions += result.sessions
        self.written += len(result.written)
        self.existing += len(result.existing)
        self.failed += result.error is not None

    @property
    def ok(self) -> bool:
        return not self.failed and not self.existing

    def line(self, out: Path) -> str:
        text = f"{self.written} file(s) written to {out} ({self.sessions} session(s) of {self.patients} patient(s))"
        if self.existing:
            text += f"; {self.existing} not written because they exist (use --force)"
        if self.failed:
            text += f"; {self.failed} patient(s) failed"
        return text
