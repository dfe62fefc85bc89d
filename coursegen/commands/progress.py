"""Progress on a terminal for builds that take a while; nothing at all in CI, in pipes or in logs."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from typing import TextIO

DELAY_SECONDS = 1.0  # a quick build prints only its summary line
TICK_SECONDS = 0.1


def wanted(stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    """Return True when progress helps: the stream is a terminal that can rewrite a line, and no CI variable is set."""
    return stream.isatty() and not environ.get("CI") and environ.get("TERM") != "dumb"


class Progress:
    """Shows the latest stage of a run on one rewritten line, once the run has lasted DELAY_SECONDS."""

    def __init__(self, stream: TextIO, *, enabled: bool, delay: float = DELAY_SECONDS):
        self.stream, self.enabled, self.delay = stream, enabled, delay
        self.message = ""
        self.shown = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __call__(self, message: str) -> None:
        """Record what the run is doing now; the ticker shows it."""
        self.message = message

    def __enter__(self) -> Progress:
        self.started = time.monotonic()
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()
        if self.shown:
            self.stream.write("\r\x1b[K")  # leave the line clean for the summary
            self.stream.flush()

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            self.stream.write(f"\r\x1b[K{self.message} ({time.monotonic() - self.started:.0f} s)")
            self.stream.flush()
            self.shown = True
            self._stop.wait(TICK_SECONDS)
