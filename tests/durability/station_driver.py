"""One scripted station: ``station_driver.py DATA_DIR WORK_JSON [CODE]``.

Pairs with CODE the first time (nothing in DATA_DIR yet), then queues the items of
WORK_JSON (a list of ``[kind, data]``) one by one, as a person at the station would, and
tries to send after each; an item is queued when :meth:`Outbox.queue` returns (it is on
disk then). Restarted after a kill it goes on after the last item it queued (items are
queued in order, so that is the outbox's item count). At the end it sends until nothing
waits, retrying while the main laptop cannot be reached. Prints ``QUEUED n`` after each
item and ``DONE confirmed refused`` at the end.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path

from facilitator.stations.client import OfflineError, StationClient
from facilitator.stations.outbox import Outbox

RETRY = 0.05  # the station's own retry pause while offline


def main() -> None:
    folder, work_path = Path(sys.argv[1]), Path(sys.argv[2])
    work = json.loads(work_path.read_text(encoding="utf-8"))
    client = StationClient(Outbox(folder), timeout=3.0)
    while not client.paired:
        try:
            client.pair(sys.argv[3], person=folder.name)
        except OfflineError:
            time.sleep(RETRY)
    start = sum(client.outbox.counts().values())
    print(f"READY {start}", flush=True)
    for n in range(start, len(work)):
        kind, data = work[n]
        client.queue(kind, data)
        print(f"QUEUED {n}", flush=True)
        with contextlib.suppress(OfflineError):  # offline: the person keeps working
            client.sync()
    while True:
        try:
            client.sync()
            break
        except OfflineError:
            time.sleep(RETRY)
    counts = client.outbox.counts()
    print(f"DONE {counts['confirmed']} {counts['refused']}", flush=True)
    client.close()


if __name__ == "__main__":
    main()
