"""Where backcoach keeps its data. Resolving a path never creates it: folders are made 0700 on first write."""

import os
from pathlib import Path

from backcoach.errors import UsageError

HOME_ENV = "BACKCOACH_HOME"


def default_home() -> Path:
    """The data folder: $BACKCOACH_HOME, else the platform's user data folder."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("backcoach", appauthor=False)


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if missing, and make it 0700; each parent it creates is 0700 too, whatever the
    umask (`mkdir(parents=True)` makes them 0777 less the umask: 0777 under umask 000)."""
    missing = []
    folder = Path(path)
    while not folder.is_dir() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made meanwhile by someone else: theirs
        os.chmod(folder, 0o700)
    os.chmod(path, 0o700)
    return path


def output_folder(path: Path, records: tuple[Path, ...] = (), option: str = "--out") -> Path:
    """The folder a user named for output files: created 0700 when missing; an existing folder is theirs, so its
    mode is left alone (the files written into it are 0600); anything that is not a folder, a folder in (or
    below) one of the store's `records` folders, whose files an export could replace, or the data folder that holds
    them, is a usage error."""
    where = path.resolve()
    if any(where == r.resolve() or r.resolve() in where.parents for r in records):
        raise UsageError(f"{option} {path} is inside the data folder's records; choose another folder")
    if any(where == r.resolve().parent for r in records):  # beside index.json, which a file named so would replace
        raise UsageError(f"{option} {path} is the data folder itself; choose another folder")
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path}: not a folder")
    if not path.is_dir():
        ensure_private_dir(path)
    return path
