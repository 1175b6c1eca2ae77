"""MariaDB killed with SIGKILL in the middle of a burst of sign-ups, eight times: every 201 a
client saw is a stored row, nothing stored is answered twice, and a retry with the same
Idempotency-Key after the restart gets the stored answer. Uses a MariaDB of its own."""

from __future__ import annotations

import json
import os
import signal
import threading
import uuid

import harness
from events import REHEARSAL_NOW, applicant, small_event

CLIENT_THREADS = 32
KILLS = 8
SLUG = "crash"


class Load:
    """Client threads sending sign-ups, each with its own Idempotency-Key, until stopped."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[tuple[str, dict, int, dict | None]] = []  # key, body, status, json
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(CLIENT_THREADS)]

    def _run(self, thread: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            key = str(uuid.uuid4())
            body = applicant(f"t{thread}-{n}-{key[:8]}@crash.example.jp")
            try:
                r = harness.http(self.base_url, "POST", f"/api/v1/events/{SLUG}/registrations",
                                 body=body, headers={"Idempotency-Key": key}, timeout=60)
                status, answer = r.status, (r.json() if r.body else None)
            except OSError:  # the service never drops a request, but keep the test honest
                status, answer = 0, None
            with self.lock:
                self.answers.append((key, body, status, answer))

    def count(self, status: int) -> int:
        with self.lock:
            return sum(1 for a in self.answers if a[2] == status)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)


def test_every_201_is_stored_when_the_database_is_killed_under_a_burst(private_db,
                                                                       regdesk_factory):
    db = private_db
    rd = regdesk_factory(db.url, env={"REGDESK_NOW": REHEARSAL_NOW, "REGDESK_RATE_LIMIT": "0"})
    rd.check("migrate")
    event_file = os.path.join(db.dir, "crash.json")
    with open(event_file, "w", encoding="utf-8") as f:
        json.dump(small_event(SLUG, capacity=100000), f, ensure_ascii=False)
    rd.check("events", "import", event_file)
    rd.start()

    with Load(rd.base_url) as load:
        for kill in range(KILLS):
            seen = load.count(201)
            harness.poll(lambda: load.count(201) >= seen + 150, deadline_s=60,
                         what=f"sign-ups before kill {kill + 1}")
            pid = db.pid()
            os.kill(pid, signal.SIGKILL)
            harness.poll(lambda: not os.path.exists(f"/proc/{pid}") or
                         open(f"/proc/{pid}/stat").read().split(") ")[1][0] == "Z",
                         deadline_s=10, what="mariadbd to die")
            db.start()
            harness.poll(lambda: harness.http(rd.base_url, "GET", "/readyz").status == 200,
                         deadline_s=30, what=f"/readyz after restart {kill + 1}")
        after = load.count(201)
        harness.poll(lambda: load.count(201) >= after + 50, deadline_s=60,
                     what="sign-ups after the last restart")

    answers = load.answers
    statuses = {a[2] for a in answers}
    assert statuses <= {201, 503}, f"only 201 or 503 expected, got {statuses}"
    assert rd.proc.poll() is None, "the service must survive every crash of its database"

    stored = {row[0]: (int(row[1]), row[2]) for row in
              db.query(f"SELECT public_id, number, status FROM {db.name}.registrations")}
    confirmed = [a for a in answers if a[2] == 201]
    missing = [a[3]["id"] for a in confirmed if a[3]["id"] not in stored]
    assert not missing, f"{len(missing)} of {len(confirmed)} clients hold a 201 with no row"
    for _, _, _, answer in confirmed:
        assert stored[answer["id"]] == (answer["number"], "confirmed")
    # Nobody stored twice, the ledger agrees with the rows.
    numbers = [n for n, _ in stored.values()]
    assert len(numbers) == len(set(numbers))
    (count,), = db.query(f"SELECT confirmed_count FROM {db.name}.events WHERE slug = '{SLUG}'")
    assert int(count) == len(stored)

    # A retry with the same key: the stored answer for those told 201, and for those told
    # 503 either their stored registration (if the lost COMMIT had been stored) or a new one.
    sample = confirmed[:100] + [a for a in answers if a[2] == 503][:200]
    for key, body, status, answer in sample:
        r = harness.http(rd.base_url, "POST", f"/api/v1/events/{SLUG}/registrations", body=body,
                         headers={"Idempotency-Key": key}, timeout=60)
        assert r.status == 201, (status, r)
        if status == 201:
            assert r.json()["id"] == answer["id"]
    total = len(db.query(f"SELECT 1 FROM {db.name}.registrations"))
    (count,), = db.query(f"SELECT confirmed_count FROM {db.name}.events WHERE slug = '{SLUG}'")
    assert int(count) == total
    out = rd.output()
    print(f"{len(confirmed)} confirmed, {load.count(503)} answered 503 across {KILLS} kills; "
          f"{len(stored)} rows; lost COMMITs read back: {out.count('read back: stored')} stored, "
          f"{out.count('read back: not stored')} not stored")
