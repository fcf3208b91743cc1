"""Plain mode (`backcoach consult ID --plain`): the consultation as line-by-line prompts.

For terminals where a full-screen app works badly (old consoles, slow links, screen readers). Same pack, store and
session model as the TUI, driven through `backcoach.consultation.Consultation`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.practice.session import PracticeSession
    from backcoach.protocol import Protocol
    from backcoach.store import Home


def run_consultation(home: Home, protocol: Protocol, patient_id: str) -> int:
    """Run a plain consultation on this terminal; returns the exit code (0 done, 130 interrupted)."""
    _need_terminal("for scripting use `backcoach export` and `backcoach import`")
    from backcoach.plain.show import plain_console

    return run(home, protocol, patient_id, plain_console())


def run_practice(session: PracticeSession) -> int:
    """Run a practice attempt in plain mode on this terminal; returns the exit code (0 done, 130 interrupted)."""
    check_practice()
    from backcoach.plain.show import plain_console

    return practise(session, plain_console())


def check_practice() -> None:
    """The one-line error when plain practice cannot run here; the CLI checks before it creates the attempt."""
    _need_terminal("for a teacher's view of attempts use `backcoach practice report`")


def _need_terminal(instead: str) -> None:
    from backcoach.terminal import need_terminal

    need_terminal("--plain", instead)


def run(home: Home, protocol: Protocol, patient_id: str, console: Console) -> int:
    """The consultation on whatever terminal prompt_toolkit's current app session uses (tests use a pipe)."""
    from backcoach.consultation import Consultation
    from backcoach.plain.flow import PlainConsultation

    with Consultation(home, protocol, patient_id) as consultation:
        return PlainConsultation(consultation, console, command_for(home)).run()


def practise(session: PracticeSession, console: Console) -> int:
    """A practice attempt on prompt_toolkit's current app session; the caller opens and closes `session`."""
    from backcoach.plain.practice import PlainPractice

    return PlainPractice(session, console, command_for(session.home)).run()


def command_for(home: Home) -> str:
    """How to call backcoach on this home again: with --home unless it is the default one."""
    import shlex

    from backcoach.locations import default_home

    if home.root.resolve() == default_home().resolve():
        return "backcoach"
    return f"backcoach --home {shlex.quote(str(home.root))}"
