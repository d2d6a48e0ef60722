"""A main laptop and three stations as separate processes on 127.0.0.1, with faults: 300
check-ins and 600 papers (and some of each done twice on two stations), through a proxy that
cuts the network for random seeded intervals, a station SIGKILLed mid-entry and restarted,
the main laptop SIGKILLed and restarted (issue 18).

Afterwards every item a station holds as confirmed is in the event file exactly once,
nothing else is, each refusal is one of the deliberate duplicates, the file passes
``integrity_check``, and the check-ins and papers equal those of one laptop doing the same
work through the ops directly.
"""

from __future__ import annotations

import json
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import IO, Any

import pytest

from facilitator.ballots import Answer, Question, create_round, issue_codes
from facilitator.ballots.ops import enter
from facilitator.ballots.queries import list_rounds, paper_codes
from facilitator.errors import UserError
from facilitator.people.ops import add_walk_in, check_in
from facilitator.stations import ops
from facilitator.stations.model import PairingCode
from facilitator.stations.outbox import CONFIRMED, REFUSED, Outbox
from facilitator.stations.tls import Identity
from facilitator.store import EventStore

from .harness import ROOT, child_env

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
PEOPLE, PAPERS, STATIONS, TWICE = 300, 600, 3, 12
WAIT = 240.0  # seconds any one awaited line may take on a loaded machine


class Child:
    """A child process whose stdout lines arrive on a queue (read by a thread)."""

    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=child_env(),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        assert self.proc.stdout is not None
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, prefix: str) -> str:
        while True:
            try:
                line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                self.kill()
                pytest.fail(f"no {prefix!r} from {self.proc.args}")
            if line is None:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                pytest.fail(f"{self.proc.args} ended before {prefix!r}: {err}")
            self.seen.append(line)
            if line.startswith(prefix):
                return line

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(timeout=WAIT)
        while (line := self.lines.get(timeout=WAIT)) is not None:
            self.seen.append(line)
        self.lines.put(None)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def _prepare(path: Path) -> tuple[list[list[list[Any]]], list[str]]:
    """The event (people, a round of 600 papers, three stations offered) and each station's
    work: its share of check-ins and papers, shuffled, with TWICE of each also given to
    another station. Returns the work lists and the pairing secrets."""
    rng = random.Random(18)
    store = EventStore.create(path, "Stations under faults")
    try:
        for n in range(PEOPLE):
            add_walk_in(store, f"Person {n:03d}", check_in_now=False, actor="setup")
        questions = (Question.yes_no("Close the centre to cars on Saturdays?"),
                     Question.choose_one("Where next?", ["Town hall", "Library", "School"]))
        made = create_round(store, "Afternoon vote", questions, actor="setup").round
        issue_codes(store, made.id, PAPERS // 2, actor="setup")
        issue_codes(store, made.id, PAPERS // 2, actor="setup")
        codes = [p.code for p in paper_codes(store, made.id)]
        people = [int(r["id"]) for r in store.query("SELECT id FROM participants ORDER BY id")]
        papers = []
        for code in codes:
            answers = [Answer.choose(questions[0], rng.randrange(2)).to_json(),
                       Answer.choose(questions[1], rng.randrange(3)).to_json()]
            papers.append(["ballot", {"round": made.id, "code": code, "answers": answers}])
        arrivals = [["check_in", {"participant": pid}] for pid in people]
        work: list[list[list[Any]]] = [[] for _ in range(STATIONS)]
        for i, item in enumerate(arrivals + papers):
            work[i % STATIONS].append(item)
        for extra in rng.sample(arrivals, TWICE) + rng.sample(papers, TWICE):
            work[rng.randrange(STATIONS)].append(extra)  # maybe the same station: a re-scan
        for items in work:
            rng.shuffle(items)
        secrets = [ops.offer(store, f"Desk {n + 1}", ["check_in", "ballots"],
                             actor="setup").secret for n in range(STATIONS)]
    finally:
        store.close()
    return work, secrets


def _single_laptop(path: Path, work: list[list[list[Any]]]) -> tuple[set[int], Counter[str]]:
    """The same work done on one laptop through the ops: who is in, and the papers."""
    with EventStore.open(path) as store:
        for items in work:
            for kind, data in items:
                try:
                    if kind == "check_in":
                        check_in(store, data["participant"], actor="desk")
                    else:
                        enter(store, data["round"], data["code"],
                              [Answer.from_json(a) for a in data["answers"]], actor="desk")
                except UserError:
                    pass
        return _outcome(store)


def _outcome(store: EventStore) -> tuple[set[int], Counter[str]]:
    present = {int(r["id"]) for r in store.query(
        "SELECT id FROM participants WHERE status = 'checked_in'")}
    papers = Counter(f"{r['code']} {r['answers']}" for r in store.query(
        "SELECT code, answers FROM ballot_entries"))
    return present, papers


def test_three_stations_through_cuts_and_kills(tmp_path: Path) -> None:
    event = tmp_path / "event.facilitator"
    work, secrets = _prepare(event)
    shutil.copy(event, tmp_path / "single.facilitator")
    for n, items in enumerate(work):
        (tmp_path / f"work-{n}.json").write_text(json.dumps(items), encoding="utf-8")
    with EventStore.open(event, read_only=True) as snapshot:
        cert = snapshot.meta("station_tls_certificate")
        key = snapshot.meta("station_tls_key")
        assert cert and key
        pin = Identity(cert, key).pin

    # Each server listens on a port the kernel gives (0) and says which: none can be taken
    # between a test choosing it and a child listening. The main laptop comes back on its
    # own port (as the real one does: the stations know it), bound again with SO_REUSEADDR.
    def serve(port: int) -> Child:
        return Child(["-m", "facilitator", "stations", "serve", str(event),
                      "--host", "127.0.0.1", "--port", str(port)])

    main = serve(0)
    main_port = int(main.wait_for("SERVING").split()[2])
    proxy = Child([str(HERE / "station_proxy.py"), "0", str(main_port), "18"])
    proxy_port = int(proxy.wait_for("READY").split()[1])

    def start(n: int) -> Child:
        code = PairingCode("127.0.0.1", proxy_port, secrets[n], pin).text()
        return Child([str(HERE / "station_driver.py"), str(tmp_path / f"station-{n}"),
                      str(tmp_path / f"work-{n}.json"), code])

    stations = [start(n) for n in range(STATIONS)]
    try:
        # Station 1 is killed while keying, then started again on its own data.
        stations[0].wait_for("QUEUED 150")
        stations[0].kill()
        stations[0] = start(0)
        resumed = stations[0].wait_for("READY")
        assert int(resumed.split()[1]) >= 151
        # The main laptop is killed while the stations work, and started again.
        stations[1].wait_for("QUEUED 120")
        main.kill()
        stations[2].wait_for("QUEUED 200")
        main = serve(main_port)
        main.wait_for("SERVING")
        done = [s.wait_for("DONE") for s in stations]
    finally:
        for child in (*stations, proxy):
            child.kill()
        main.kill(signal.SIGTERM)
    cuts = proxy.seen.count("CUT")
    assert cuts >= 2, "the network was hardly cut"
    print(f"network cut {cuts} times")

    held: dict[tuple[int, str], str] = {}
    for n in range(STATIONS):
        outbox = Outbox(tmp_path / f"station-{n}")
        try:
            station_id = outbox.get("station")
            assert outbox.waiting_count == 0
            for q in outbox.items():
                held[(station_id, q.item.id)] = q.state
            assert sum(outbox.counts().values()) == len(work[n])
        finally:
            outbox.close()
    with EventStore.open(event) as store:
        assert store.integrity_check() == "ok"
        decided = {(int(r["station_id"]), r["item_id"]): r["outcome"]
                   for r in store.query("SELECT * FROM station_items")}
        confirmed = {k for k, v in held.items() if v == CONFIRMED}
        assert confirmed == {k for k, v in decided.items() if v == "applied"}
        assert {k for k, v in held.items() if v == REFUSED} == {
            k for k, v in decided.items() if v == "refused"}
        # Exactly once: one check-in or one paper per confirmed item, nothing else.
        present, papers = _outcome(store)
        kinds = Counter(r["kind"] for r in store.query(
            "SELECT kind FROM station_items WHERE outcome = 'applied'"))
        assert len(present) == kinds["check_in"] == PEOPLE
        assert sum(papers.values()) == kinds["ballot"] == PAPERS
        assert len(decided) == PEOPLE + PAPERS + 2 * TWICE
        assert list_rounds(store)[0].status == "open"
    refused = sum(int(line.split()[2]) for line in done)
    assert refused == 2 * TWICE
    assert (present, papers) == _single_laptop(tmp_path / "single.facilitator", work)
