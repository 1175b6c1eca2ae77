"""A 3-node MariaDB Galera cluster on loopback (ops/cluster/galera.sh), every node taking
writes: three `regdesk serve`, one per node, 2,000 sign-ups at once for a 100-seat event.
Galera's row locks are node-local, so the conflicting COMMITs are refused (certification,
1213) and must be run again, never answered as success: exactly 100 confirmed, each a row on
every node."""

from __future__ import annotations

import asyncio
import collections
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import harness
from events import REHEARSAL_NOW, small_event
from test_concurrency import SEATS, _burst

GALERA = Path(__file__).resolve().parents[2] / "ops" / "cluster" / "galera.sh"


def query(port: str, sql: str) -> str:
    """The single value SQL answers on node PORT."""
    return harness.port_query(port, sql)[0][-1]


@pytest.fixture
def cluster():
    tmp = tempfile.mkdtemp(prefix="rd-galera-", dir="/tmp")
    try:
        subprocess.run([str(GALERA), "start", tmp, "3"], check=True, timeout=300,
                       stdin=subprocess.DEVNULL, capture_output=True)
    except subprocess.CalledProcessError as e:
        subprocess.run([str(GALERA), "stop", tmp], timeout=300)
        pytest.fail(f"the Galera cluster did not start:\n{e.stderr.decode(errors='replace')}")
    ports = [line.split()[1] for line in Path(tmp, "nodes").read_text().splitlines()]
    yield tmp, ports
    subprocess.run([str(GALERA), "stop", tmp], timeout=300)
    shutil.rmtree(tmp, ignore_errors=True)


def cert_conflicts(ports: list[str]) -> int:
    total = 0
    for port in ports:
        for name in ("wsrep_local_cert_failures", "wsrep_local_bf_aborts"):
            total += int(query(port, f"SHOW GLOBAL STATUS LIKE '{name}'"))
    return total


def test_every_node_taking_writes_never_confirms_more_than_the_cap(cluster, regdesk_factory):
    tmp, ports = cluster
    harness.port_query(ports[0], "CREATE DATABASE race CHARACTER SET utf8mb4")
    urls = [f"mysql://regdesk:regdesk@127.0.0.1:{p}/race" for p in ports]
    services = [regdesk_factory(u, env={"REGDESK_NOW": REHEARSAL_NOW}) for u in urls]
    services[0].check("migrate")
    event_file = os.path.join(tmp, "race.json")
    with open(event_file, "w", encoding="utf-8") as f:
        json.dump(small_event("race", capacity=SEATS), f, ensure_ascii=False)
    services[0].check("events", "import", event_file)
    for s in services:
        s.start()
    conflicts_before = cert_conflicts(ports)

    statuses = collections.Counter(asyncio.run(_burst([s.port for s in services])))

    assert statuses[201] == SEATS, statuses
    assert set(statuses) <= {201, 409}, statuses
    for port in ports:
        assert query(port, "SELECT COUNT(*) FROM race.registrations "
                           "WHERE status = 'confirmed'") == str(SEATS), port
        assert query(port, "SELECT confirmed_count FROM race.events") == str(SEATS), port
    # The test means something only if the nodes did collide.
    print(f"certification conflicts during the burst: {cert_conflicts(ports) - conflicts_before}")
