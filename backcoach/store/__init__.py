"""Crash-safe storage: one TinyDB file per patient, written atomically, one writer per patient.

Layout of a home folder (folders 0700, files 0600):
    <home>/patients/<id>.json      the patient's TinyDB file (tables: meta, patient, sessions)
    <home>/patients/<id>.json.bak  the previous version of it
    <home>/patients/<id>.lock      held (flock) by the one process writing that patient
    <home>/index.json              a cache for fast listing, always rebuildable from the patient files
"""

from backcoach.store.errors import DamagedFile, FileChangedOnDisk, PatientLocked, PatientNotFound
from backcoach.store.home import Home, IndexEntry, PatientWriter

__all__ = [
    "DamagedFile",
    "FileChangedOnDisk",
    "Home",
    "IndexEntry",
    "PatientLocked",
    "PatientNotFound",
    "PatientWriter",
]
