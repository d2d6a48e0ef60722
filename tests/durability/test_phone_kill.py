"""Kill -9 the app during a burst of phone votes: every vote whose receipt a phone was shown
is in the file, no vote is in it twice, and the file is sound.

A child process runs the real phone server (waitress, on 127.0.0.1) on an event file; the
parent plays many phones at once over HTTP, each from its own address, and keeps every
receipt a phone page showed (the moment a voter sees it confirmed). The child is SIGKILLed at
a random moment in the burst; the parent reopens the file and checks it, then starts a new
child on the same file and carries on. The first children run with changing votes off (each
vote is secret at once: the write-ahead log is folded in after every vote, so kills also land
in those checkpoints); the last ones with changing on, where every phone changes its vote.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from facilitator import lan
from facilitator.ballots import Question, create_round
from facilitator.people import ParsedList, ParsedPerson, check_in, import_people
from facilitator.store import EventStore

from .harness import run_and_kill

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork-style pipes are POSIX"),
]

PEOPLE = 400
PHONES_AT_ONCE = 12
SECRET_KILLS = 4
CHANGE_KILLS = 3

CHILD = r"""
import sys, threading
from facilitator.lan.app import Limits
from facilitator.lan.server import LanServer
from facilitator.store import EventStore

path = sys.argv[1]
store = EventStore.open(path)
many = Limits(requests_per_second=1000, request_burst=1000, failures_per_second=1000,
              failure_burst=1000, global_failures_per_second=1000, global_failure_burst=1000)
server = LanServer(store, "127.0.0.1", 0, limits=many)  # the port the kernel gives
server.start()
print("READY", server.port, flush=True)
threading.Event().wait()
"""


def make_event(path: Path) -> tuple[int, list[tuple[int, str]]]:
    with EventStore.create(path, "Kill during phone votes") as store:
        people = [ParsedPerson(line=i + 2, ext_id=f"P{i:04d}", name=f"Phone {i}",
                               role="participant", attributes={}) for i in range(PEOPLE)]
        import_people(store, ParsedList(
            file_name="phones.csv", sha256="0", encoding="utf-8", delimiter=",",
            columns=["id", "name"], id_column="id", name_columns=["name"], role_column=None,
            attribute_columns=[], people=people), actor="test")
        for row in store.query("SELECT id FROM participants"):
            check_in(store, int(row["id"]), actor="test")
        question = Question.choose_one("Where next?", ["Town hall", "Library", "School"])
        round_id = create_round(store, "Burst", (question, question), channel="phones",
                                actor="test").round.id
        lan.open_question(store, round_id, 0, actor="test")
        lan.open_question(store, round_id, 1, actor="test")
        voters = [(int(r["id"]), str(r["token"])) for r in store.query(
            "SELECT id, token FROM participants ORDER BY id")]
    return round_id, voters


@dataclass
class Burst:
    """What the phones saw during one child's life."""

    confirmed: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    """(person, question) -> receipts shown, in order."""
    in_flight: set[tuple[int, int]] = field(default_factory=set)
    """Votes sent whose answer never came (the kill landed): in the file or not."""
    lock: threading.Lock = field(default_factory=threading.Lock)


def phone(port: int, number: int, person: int, token: str, path: str, index: int,
          times: int, burst: Burst, stop: threading.Event) -> bool:
    """Vote ``times`` times (a change after the first); False once the server is gone."""
    source = (f"127.0.{1 + number // 250}.{1 + number % 250}", 0)
    for attempt in range(times):
        if stop.is_set():
            return False
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=source)
        sent = False
        try:
            conn.request("GET", path)
            page = conn.getresponse().read().decode()
            key = re.search(r'name="k" value="([0-9a-f]+)"', page)
            assert key is not None, page
            body = urlencode({"k": key.group(1), "choice": str((number + attempt) % 3)})
            with burst.lock:
                burst.in_flight.add((person, index))
            sent = True
            conn.request("POST", path, body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            reply = conn.getresponse()
            reply.read()
            assert reply.status == 303, reply.status
            conn.request("GET", reply.getheader("Location") or "")
            shown = conn.getresponse().read().decode()
            receipt = re.search(r'class="receipt">([A-Z0-9-]+)<', shown)
            assert receipt is not None, shown
            with burst.lock:
                burst.confirmed.setdefault((person, index), []).append(
                    receipt.group(1).replace("-", ""))
                burst.in_flight.discard((person, index))
        except (OSError, http.client.HTTPException):
            if not sent:
                return False
            stop.set()
            return False
        finally:
            conn.close()
    return True


def run_burst(path: Path, round_id: int, people: list[tuple[int, str]], index: int,
              times: int, delay: float, burst: Burst) -> list[tuple[int, str]]:
    """One child's life: phones vote until the kill. Returns the people not reached."""
    ports: list[int] = []  # the one the child listens on, said in its READY line
    ready = threading.Event()
    queue = list(people)
    stop = threading.Event()
    lock = threading.Lock()

    def worker() -> None:
        while not stop.is_set():
            with lock:
                if not queue:
                    return
                number = PEOPLE - len(queue)
                person, token = queue.pop(0)
            if not phone(ports[0], number, person, token, f"/v/{token}/q/{round_id}/{index}",
                         index, times, burst, stop):
                with lock:
                    if (person, index) not in burst.confirmed and \
                            (person, index) not in burst.in_flight:
                        queue.insert(0, (person, token))
                return

    def listening(line: str) -> None:
        ports.append(int(line.split()[1]))
        ready.set()

    def start_phones() -> None:
        ready.wait()
        if not ports:  # the child did not start
            return
        threads = [threading.Thread(target=worker) for _ in range(PHONES_AT_ONCE)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    phones = threading.Thread(target=start_phones)
    phones.start()
    try:
        run_and_kill([CHILD, str(path)], delay, on_ready=listening)
    finally:
        stop.set()
        ready.set()
        phones.join()
    return queue


def check(path: Path, round_id: int, burst: Burst) -> None:
    with EventStore.open(path) as store:
        assert store.integrity_check() == "ok"
        ballots: dict[int, set[str]] = {0: set(), 1: set()}
        for row in store.query("SELECT receipt, question_index FROM lan_ballots "
                               "WHERE round_id = ?", (round_id,)):
            ballots[int(row["question_index"])].add(str(row["receipt"]))
        lists = {int(r["question_index"]): json.loads(r["participants"]) for r in store.query(
            "SELECT question_index, participants FROM lan_voter_lists WHERE round_id = ?",
            (round_id,))}
    for index in (0, 1):
        voters = lists.get(index, [])
        assert len(voters) == len(set(voters)), "someone is on a voter list twice"
        assert len(ballots[index]) == len(voters), "a vote is in the file twice, or lost"
    for (person, index), receipts in burst.confirmed.items():
        assert person in lists[index]
        if (person, index) in burst.in_flight:  # a change was cut short: old or new counts
            continue
        assert receipts[-1] in ballots[index], (person, index, receipts)
        for earlier in receipts[:-1]:  # a changed vote replaced, never kept beside
            assert earlier not in ballots[index]


def test_kill_during_a_burst_of_phone_votes(tmp_path: Path) -> None:
    rng = random.Random(11)
    path = tmp_path / "burst.facilitator"
    round_id, people = make_event(path)
    burst = Burst()
    waiting = people[: PEOPLE // 2]
    for _kill in range(SECRET_KILLS):
        waiting = run_burst(path, round_id, waiting, 0, 1, rng.uniform(0.4, 1.2), burst)
        check(path, round_id, burst)
    with EventStore.open(path) as store:
        lan.save_settings(store, lan.LanSettings(allow_change=True), actor="test")
    waiting = people[PEOPLE // 2:]
    for _kill in range(CHANGE_KILLS):
        waiting = run_burst(path, round_id, waiting, 1, 2, rng.uniform(0.4, 1.2), burst)
        check(path, round_id, burst)
    confirmed = sum(len(r) for r in burst.confirmed.values())
    assert confirmed >= 40, f"only {confirmed} votes confirmed: the kills came too early"
