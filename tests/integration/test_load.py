"""The load test at CI size: readers and editors for a few seconds; nothing lost, history complete."""

from __future__ import annotations

import pytest

from bench.load import run

pytestmark = pytest.mark.load



def test_small_load(server_uri: str) -> None:
    stats = run(seconds=6, readers=4, editors=4, uri=server_uri + "load")
    assert stats["errors"] == 0, stats  # only conflicts are expected
    assert stats["writes_acked"] > 0 and stats["reads"] > 0, stats
    assert stats["lost_writes"] == 0 and stats["writes_checked"] > 0, stats
    assert stats["history_entries"] == stats["writes_acked"], stats  # one history entry per acknowledged change
    assert stats["memory_mb"]["end"] - stats["memory_mb"]["start"] < 40, stats
