"""Counting the database commands the registry sends (PyMongo command monitoring), for the benchmark and the
test that the nested query's commands do not grow with the register."""

from __future__ import annotations

from collections import Counter

from pymongo import monitoring

IGNORED = {"hello", "isMaster", "ismaster", "ping", "endSessions", "saslStart", "saslContinue", "buildInfo"}


class CommandCounter(monitoring.CommandListener):
    """Counts the commands the application sends, by name."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.get_mores = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        # getMore continues a query's own cursor over a large result: part of the same read, counted apart.
        if event.command_name == "getMore":
            self.get_mores += 1
        elif event.command_name not in IGNORED:
            self.counts[f"{event.command_name} {event.command.get(event.command_name)}"] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass
