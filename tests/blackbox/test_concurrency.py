"""The cap is exact across processes: two `regdesk serve` on one database, 2,000 sign-ups
sent at once to a 100-seat event."""

from __future__ import annotations

import asyncio
import json
import resource

import harness
from events import REHEARSAL_NOW, applicant, small_event

CLIENTS = 2000
SEATS = 100


async def _one(port: int, index: int, start: asyncio.Event) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps(applicant(f"c{index}@load.example.jp"), ensure_ascii=False).encode()
    request = (f"POST /api/v1/events/race/registrations HTTP/1.1\r\nHost: x\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
               f"Connection: close\r\n\r\n").encode() + body
    await start.wait()  # every connection is open before the first request goes
    writer.write(request)
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=60)
    length = int(next(line.split(b":", 1)[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    rest = await asyncio.wait_for(reader.readexactly(length), timeout=60)
    writer.close()
    status = int(head.split(b" ", 2)[1])
    if status == 409:
        assert b'"sold_out"' in rest, rest
    return status


async def _burst(ports: list[int]) -> list[int]:
    start = asyncio.Event()
    tasks = [asyncio.ensure_future(_one(ports[i % len(ports)], i, start)) for i in range(CLIENTS)]
    await asyncio.sleep(0)  # let the connects begin
    # Wait until the connections are established (each task blocks on `start`).
    deadline = asyncio.get_running_loop().time() + 30
    while asyncio.get_running_loop().time() < deadline:
        if all(t.done() or _waiting(t) for t in tasks):
            break
        await asyncio.sleep(0.01)
    start.set()
    return await asyncio.gather(*tasks)


def _waiting(task) -> bool:
    coro = task.get_coro()
    return coro.cr_await is not None and "Event.wait" in repr(coro.cr_await)


def test_two_processes_never_confirm_more_than_the_cap(db_url, regdesk_factory):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    a = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW})
    a.check("migrate")
    a.start()
    b = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW}).start()
    put = harness.http(a.base_url, "PUT", "/api/v1/admin/events/race",
                       body=small_event("race", capacity=SEATS),
                       headers={"Authorization": f"Bearer {harness.ADMIN_TOKEN}"})
    assert put.status == 201, put

    statuses = asyncio.run(_burst([a.port, b.port]))

    assert statuses.count(201) == SEATS, {s: statuses.count(s) for s in set(statuses)}
    assert statuses.count(409) == CLIENTS - SEATS
    rows = harness.db_query(db_url, "SELECT number FROM registrations WHERE status='confirmed' ORDER BY number")
    assert [int(r[0]) for r in rows] == list(range(1, SEATS + 1))
    ledger = harness.db_query(db_url, "SELECT confirmed_count, capacity FROM events WHERE slug='race'")
    assert ledger == [(str(SEATS), str(SEATS))]
    total = harness.db_query(db_url, "SELECT COUNT(*) FROM registrations")
    assert total == [(str(SEATS),)]
