"""The per-report time budget: a runaway report ends in a one-line error and the batch goes on.

Every pattern over report text is meant to be linear, so the budget is the backstop for what was
missed. It is a real-time alarm (SIGALRM) rather than checks sprinkled through the code because
the time goes where nobody placed a check (a regex, a library); Python's regex engine and the
interpreter both honour the signal. The alarm keeps re-firing until the budgeted block is left, so
library code that swallows one exception cannot keep a report running. Outside the main thread,
or where the platform has no SIGALRM, the budget is checked when the block ends.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from extractor.errors import ReportError

_REFIRE_S = 0.05


class BudgetExceeded(ReportError):
    """The report used up its time budget."""


class Budget:
    def __init__(self, seconds: float, path: str | None = None) -> None:
        self.seconds = seconds
        self.path = path
        self.deadline = time.monotonic() + seconds

    def error(self) -> BudgetExceeded:
        return BudgetExceeded(f"review stopped after the time budget of {self.seconds:g} s "
                              "(raise it with --limit seconds=N or EXTRACTOR_LIMIT_SECONDS)", self.path)

    @contextmanager
    def running(self) -> Iterator[None]:
        """Run a synchronous block within what is left of the budget (never across an await:
        the alarm would land in another report's code)."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self.error()
        alarm = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
        if not alarm:
            yield
            if time.monotonic() > self.deadline:
                raise self.error()
            return

        def on_alarm(signum: int, frame: Any) -> None:
            raise self.error()

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, remaining, _REFIRE_S)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
