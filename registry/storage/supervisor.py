"""Keeping the embedded database up: the registry restarts its FerretDB when it exits or stops answering reads.

Why: FerretDB v1 can crash, and it can wedge: a client that drops out of a bulk write may leave its SQLite
connections open until its pool is exhausted, after which every read hangs while a ping still answers. Both
used to need a manual restart. The supervisor collects the exit of a crashed process at once (so no zombie
stays), and restarts a process that failed `WEDGED_AFTER` readiness probes in a row (reads of real data with a
short timeout, the same probe as /health/ready). Every restart is logged with its reason.
"""

from __future__ import annotations

import asyncio
import logging

from pymongo.errors import PyMongoError

from registry.storage.database import Database, start_embedded
from registry.storage.embedded import EmbeddedDatabaseError

log = logging.getLogger("registry.database")

CHECK_EVERY = 1.0
"""Seconds between checks that the process still runs."""
PROBE_EVERY = 5.0
"""Seconds between reads that check it still answers."""
PROBE_TIMEOUT = 2.0
WEDGED_AFTER = 3
"""Failed probes in a row (about 15 s) after which a running FerretDB is taken as wedged and restarted."""
MAX_BACKOFF = 60.0
"""Seconds between attempts while FerretDB fails to start again (doubling from `check_every`)."""


async def supervise(database: Database, check_every: float = CHECK_EVERY, probe_every: float = PROBE_EVERY,
                    wedged_after: int = WEDGED_AFTER) -> None:
    """Run until cancelled; does nothing for a database the registry did not start."""
    fdb = database.embedded
    if fdb is None:
        return
    failures = 0
    since_probe = 0.0
    backoff = check_every
    while True:
        await asyncio.sleep(check_every)
        since_probe += check_every
        code = fdb.exit_code()
        if code is not None:
            if await _restart(database, f"it exited with code {code}"):
                backoff = check_every
            else:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
            failures, since_probe = 0, 0.0
            continue
        if since_probe < probe_every:
            continue
        since_probe = 0.0
        try:
            await database.probe(PROBE_TIMEOUT)
        except PyMongoError as e:
            failures += 1
            log.warning("The embedded FerretDB did not answer a read (%d of %d): %s", failures, wedged_after,
                        type(e).__name__)
            if failures >= wedged_after:
                await _restart(database, f"it answered no read for {failures} probes in a row")
                failures = 0
        else:
            failures = 0


async def _restart(database: Database, why: str) -> bool:
    fdb = database.embedded
    assert fdb is not None
    log.error("Restarting the embedded FerretDB (pid %s): %s.", fdb.pid, why)
    try:
        await asyncio.to_thread(fdb.stop_process)
        await start_embedded(fdb)
    except (EmbeddedDatabaseError, OSError) as e:
        log.error("The embedded FerretDB did not start again; trying again shortly: %s", e)
        return False
    log.warning("The embedded FerretDB is back (pid %s).", fdb.pid)
    return True
