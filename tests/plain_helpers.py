"""Driving plain mode through real prompts: keys go into a prompt_toolkit pipe, the output into a string.

All keys are sent up front and the pipe is closed, so a script that is too short ends in EOF (exit 130) instead of
waiting; every run also has a thread timeout as a second guard.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from typing import Any

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from backcoach.plain.show import plain_console

ENTER, DOWN, UP, SPACE, CTRL_C, CTRL_D, CLEAR = "\r", "\x1b[B", "\x1b[A", " ", "\x03", "\x04", "\x15"


def line(text: str) -> str:
    return text + ENTER


def pick(steps_down: int) -> str:
    """Choose the entry `steps_down` below the pointer in a select."""
    return DOWN * steps_down + ENTER


def drive_plain(start: Callable[[Console], int], keys: str, timeout: float = 30) -> tuple[int, str]:
    """Run `start(console)` on a pipe fed with `keys`; returns (exit code, what it printed)."""
    out = io.StringIO()
    result: dict[str, Any] = {}

    def go() -> None:
        try:
            with create_pipe_input() as pipe:
                pipe.send_text(keys)
                pipe.close()
                with create_app_session(input=pipe, output=DummyOutput()):
                    result["code"] = start(plain_console(file=out, width=200))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            result["error"] = exc

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"plain mode still waiting after {timeout}s:\n{out.getvalue()}"
    if "error" in result:
        raise result["error"]
    return result["code"], out.getvalue()


def drive_plain_steps(
    start: Callable[[Console], int],
    steps: list[tuple[str, Callable[[], bool] | None, Callable[[], None] | None]],
    timeout: float = 60,
) -> tuple[int, str]:
    """Run `start(console)` on a pipe fed step by step: each step sends its keys, waits until `reached()` is true (a
    state on disk the keys lead to, such as an answer saved), then calls `then()` (moving a test clock, say) while
    the UI waits for the next keys. After the last step the pipe is closed (a script too short ends in EOF, 130)."""
    out = io.StringIO()
    result: dict[str, Any] = {}
    with create_pipe_input() as pipe:

        def go() -> None:
            try:
                with create_app_session(input=pipe, output=DummyOutput()):
                    result["code"] = start(plain_console(file=out, width=200))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
                result["error"] = exc

        thread = threading.Thread(target=go, daemon=True)
        thread.start()
        deadline = time.monotonic() + timeout
        for keys, reached, then in steps:
            pipe.send_text(keys)
            while reached is not None and not reached():
                assert thread.is_alive(), f"plain mode ended before the state was reached:\n{out.getvalue()}"
                assert time.monotonic() < deadline, f"state not reached after {timeout}s:\n{out.getvalue()}"
                time.sleep(0.01)
            if then is not None:
                then()
        pipe.close()
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not thread.is_alive(), f"plain mode still waiting after {timeout}s:\n{out.getvalue()}"
    if "error" in result:
        raise result["error"]
    return result["code"], out.getvalue()


def without_ids(value: Any) -> Any:
    """Answers with the generated goal/item ids left out, for comparison with an expected literal."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value
