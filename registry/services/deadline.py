"""When a request's time is up: its time budget, ended early when its client goes away."""

from __future__ import annotations

import time


class Deadline:
    """A request's deadline, set when it arrives; the web layer ends it early when the client disconnects."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.gone = False

    def left(self) -> float:
        return self.at - time.monotonic()

    def client_gone(self) -> None:
        self.gone = True

    def expired(self) -> str | None:
        """Why no further work should start for this request, or None while it may go on."""
        if self.gone:
            return "The client closed the connection; the request was stopped."
        if time.monotonic() > self.at:
            return (f"The request took longer than its {self.seconds:g} s budget and was stopped. Ask for less at "
                    "a time (a page with `first`, fewer nested lists) or raise REGISTRY_MAX_SECONDS.")
        return None
