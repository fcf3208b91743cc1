"""The errors a user can meet, each with the exit code the CLI turns it into.

0 ok, 1 error, 2 usage, 3 data integrity. The CLI prints the message on one line; never a traceback.
"""


class BackcoachError(Exception):
    """An error with a one-line message meant for the user."""

    exit_code = 1


class UsageError(BackcoachError):
    """The command line asked for something that cannot be."""

    exit_code = 2


class PackError(BackcoachError):
    """A protocol or case pack is not valid: names the file, the key path and what is wrong."""

    def __init__(self, source: str, path: str, problem: str):
        self.source, self.path, self.problem = source, path, problem
        where = f"{source}: {path}: " if path else f"{source}: "
        super().__init__(where + problem)


class IntegrityError(BackcoachError):
    """Stored data is damaged or inconsistent."""

    exit_code = 3


def error_line(exc: BaseException) -> tuple[str, int]:
    """What to tell the user about an error nothing else handled: one line, and the exit code. Only a
    BackcoachError's own message is shown (it is written for the user); of any other error, its type (a bug's
    message or locals could hold a patient's name or a file's content). A path in it may hold any character (a file
    named with escape sequences): those that could act on a terminal, line breaks included, are shown as stand-ins."""
    from backcoach.textclean import show_controls

    if isinstance(exc, BackcoachError):
        return show_controls(f"backcoach: {exc}"), exc.exit_code
    if isinstance(exc, OSError):
        return show_controls(f"backcoach: {describe(exc)}"), 1
    return f"backcoach: internal error ({type(exc).__name__}); set BACKCOACH_DEBUG=1 for details", 1


def describe(exc: BackcoachError | OSError) -> str:
    """An expected failure in words: a BackcoachError's own message; of an OSError (a folder that cannot be created,
    a full disk, a permission), the file and the system's reason, without Python's "[Errno 28]" dress."""
    if isinstance(exc, BackcoachError):
        return str(exc)
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or type(exc).__name__}"
