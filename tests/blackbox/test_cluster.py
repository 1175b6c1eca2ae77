"""A 3-node MariaDB Galera cluster on loopback (ops/cluster/galera.sh). Every node taking
writes: three `regdesk serve`, one per node, 2,000 sign-ups at once for a 100-seat event.
Galera's row locks are node-local, so the conflicting COMMITs are refused (certification,
1213) and must be run again, never answered as success: exactly 100 confirmed, each a row on
every node. Behind haproxy (ops/cluster/haproxy.sh) with `regdesk cluster-check` as each node's
health agent: a desynced, dead or minority node takes no traffic; a node without a majority
answers 503, never 500; the writer SIGKILLed mid-burst loses no 201, and rejoins by IST; the
writer cut off by a partition is left behind and rejoins when it heals. After either, sign-ups
through haproxy succeed again within 10 s of haproxy marking the node down."""

from __future__ import annotations

import asyncio
import collections
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import harness
from events import REHEARSAL_NOW, applicant, small_event
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


# ---------------------------------------------------------------- behind haproxy

HAPROXY = GALERA.parent / "haproxy.sh"


# Nodes are numbered from 0 in DIR/nodes, as galera.sh starts them: node0 is the writer.
def root_sql(tmp: str, node: int, sql: str) -> None:
    subprocess.run(["mariadb", "--no-defaults", f"--socket={tmp}/node{node}/s.sock", "-uroot",
                    "-e", sql], check=True, timeout=60, capture_output=True)


def kill_node(tmp: str, node: int) -> None:
    pid = int(Path(tmp, f"node{node}", "p.pid").read_text())
    os.kill(pid, 9)
    harness.poll(lambda: not Path(f"/proc/{pid}").exists(), deadline_s=10, what="mariadbd to die")


def agents_for(ports, regdesk_factory, database="mysql"):
    agents = [regdesk_factory(f"mysql://regdesk:regdesk@127.0.0.1:{p}/{database}",
                              args=("cluster-check", "--listen", "127.0.0.1:0")) for p in ports]
    return [a.start() for a in agents]


def check(agent) -> tuple[int, str]:
    r = harness.http(agent.base_url, "GET", "/")
    return r.status, r.text.strip()


def test_the_health_agent_says_which_nodes_may_take_traffic(cluster, regdesk_factory):
    tmp, ports = cluster
    agents = agents_for(ports, regdesk_factory)
    assert [check(a) for a in agents] == [(200, "Synced")] * 3
    # A node desynced (as a donor is, during a state transfer) takes no traffic...
    root_sql(tmp, 2, "SET GLOBAL wsrep_desync = ON")
    status, why = harness.poll(lambda: (lambda c: c if c[0] == 503 else None)(check(agents[2])),
                               what="the desynced node to be refused")
    assert "Donor/Desynced" in why
    root_sql(tmp, 2, "SET GLOBAL wsrep_desync = OFF")
    harness.poll(lambda: check(agents[2]) == (200, "Synced"), what="node 3 back")
    # ...nor does a node that is gone, nor the one left alone without a majority.
    kill_node(tmp, 0)
    status, why = check(agents[0])
    assert status == 503 and why.startswith("node unreachable"), why
    kill_node(tmp, 1)
    status, why = harness.poll(lambda: (lambda c: c if c[0] == 503 else None)(check(agents[2])),
                               what="the last node to lose the Primary component")
    assert "not in the Primary component" in why, why


def test_a_node_without_a_majority_answers_sign_ups_503_never_500(cluster, regdesk_factory):
    tmp, ports = cluster
    harness.port_query(ports[0], "CREATE DATABASE alone CHARACTER SET utf8mb4")
    rd = regdesk_factory(f"mysql://regdesk:regdesk@127.0.0.1:{ports[2]}/alone",
                         env={"REGDESK_NOW": REHEARSAL_NOW})
    rd.check("migrate")
    event_file = os.path.join(tmp, "alone.json")
    with open(event_file, "w", encoding="utf-8") as f:
        json.dump(small_event("alone", capacity=10), f, ensure_ascii=False)
    rd.check("events", "import", event_file)
    rd.start()
    assert rd.http("POST", "/api/v1/events/alone/registrations",
                   body=applicant("before@example.jp")).status == 201
    kill_node(tmp, 0)
    kill_node(tmp, 1)
    # Node 3 alone is non-Primary: every statement gets 1047. The answer is 503, with
    # Retry-After, and nothing is stored.
    def refused():
        r = rd.http("POST", "/api/v1/events/alone/registrations",
                    body=applicant(harness.unique_email("alone")))
        return r if r.status != 201 else None
    r = harness.poll(refused, what="node 3 to refuse writes")
    assert r.status == 503 and r.json()["code"] == "unavailable", r
    assert int(r.headers.get("Retry-After")) > 0
    assert rd.http("GET", "/readyz").status == 503
    # The operator makes the survivor a Primary component of its own (Galera's recovery for a
    # lost majority); regdesk's writes then resume by themselves, without a restart.
    root_sql(tmp, 2, "SET GLOBAL wsrep_provider_options = 'pc.bootstrap=YES'")
    harness.poll(lambda: rd.http("POST", "/api/v1/events/alone/registrations",
                                 body=applicant(harness.unique_email("after"))).status == 201,
                 deadline_s=60, what="writes to resume on node 3")


@pytest.fixture
def proxied(cluster, regdesk_factory):
    """The cluster behind haproxy, a health agent per node: (tmp, node ports, haproxy's port)."""
    tmp, ports = cluster
    agents = agents_for(ports, regdesk_factory)
    proxy_port = str(harness.free_port())
    subprocess.run([str(HAPROXY), "start", tmp, proxy_port, *[str(a.port) for a in agents]],
                   check=True, timeout=60, capture_output=True)
    yield tmp, ports, proxy_port
    subprocess.run([str(HAPROXY), "stop", tmp], timeout=60)


def haproxy_status(tmp: str, server: str) -> str:
    """What haproxy says of SERVER now ("UP", "DOWN", "UP 1/3", ...), from its stats socket."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(5)
        s.connect(os.path.join(tmp, "haproxy.sock"))
        s.sendall(b"show stat\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    for line in data.decode().splitlines():
        fields = line.split(",")
        if len(fields) > 17 and fields[0] == "galera" and fields[1] == server:
            return fields[17]  # the "status" column of haproxy's CSV
    raise AssertionError(f"haproxy does not list {server}")


class Burst(harness.SignUpLoad):
    """Six clients signing up through SERVICE until stopped (harness.SignUpLoad), a 503
    without Retry-After counted apart, and the moment haproxy first said WATCHED was DOWN."""

    def __init__(self, service, slug: str, tmp: str, watched: str = "node0"):
        self.tmp, self.watched = tmp, watched
        self.marked_down_at: float | None = None
        super().__init__(service.base_url, slug, applicant, prefix="burst")

    def extra_threads(self) -> list:
        return [self._watch]

    def label(self, r):
        if r.status == 503 and not r.headers.get("Retry-After"):
            return "503 without Retry-After"
        return r.status

    def _watch(self):
        while not self._stop.is_set() and self.marked_down_at is None:
            if haproxy_status(self.tmp, self.watched).startswith("DOWN"):
                self.marked_down_at = time.monotonic()
            self._stop.wait(0.05)

    def recovery(self, since: float) -> tuple[float, float]:
        """(seconds from SINCE to the first 201 after haproxy marked the node down, seconds
        without any 201 around SINCE)."""
        assert self.marked_down_at is not None, "haproxy never marked the node down"
        after = [t for _, t in self.confirmed if t > self.marked_down_at]
        before = [t for _, t in self.confirmed if t <= since]
        assert after, "no sign-up succeeded after the node was marked down"
        return after[0] - self.marked_down_at, after[0] - (before[-1] if before else since)


def services_on(tmp, ports, proxy_port, regdesk_factory, db, capacity, count=1, env=None):
    """COUNT `regdesk serve` through haproxy on database DB holding one event DB of CAPACITY."""
    harness.port_query(ports[0], f"CREATE DATABASE {db} CHARACTER SET utf8mb4")
    url = f"mysql://regdesk:regdesk@127.0.0.1:{proxy_port}/{db}"
    services = [regdesk_factory(url, env={"REGDESK_NOW": REHEARSAL_NOW, **(env or {})})
                for _ in range(count)]
    services[0].check("migrate")
    event_file = os.path.join(tmp, f"{db}.json")
    with open(event_file, "w", encoding="utf-8") as f:
        json.dump(small_event(db, capacity=capacity), f, ensure_ascii=False)
    services[0].check("events", "import", event_file)
    return [s.start() for s in services]


def test_the_writer_killed_behind_haproxy_loses_no_confirmed_sign_up(proxied, regdesk_factory):
    tmp, ports, proxy_port = proxied
    [rd] = services_on(tmp, ports, proxy_port, regdesk_factory, "failover", capacity=100000)
    # Every write goes to node 1, the first healthy server.
    assert query(ports[0], "SELECT COUNT(*) FROM failover.events") == "1"

    with Burst(rd, "failover", tmp) as burst:
        burst.wait_for(100, "sign-ups before the kill", deadline_s=30)
        kill_node(tmp, 0)
        killed_at, at_kill = time.monotonic(), len(burst.confirmed)
        # haproxy moves to node 2 and sign-ups resume by themselves.
        burst.wait_for(at_kill + 100, "sign-ups after the writer died")
    assert set(burst.statuses) <= {201, 503}, burst.statuses
    after_mark, gap = burst.recovery(killed_at)
    assert after_mark < 10, f"sign-ups resumed {after_mark:.1f} s after haproxy marked node 1 down"
    # Every 201 is a row on both survivors, and the ledger agrees with the rows.
    for port in ports[1:]:
        stored = {row[0] for row in harness.port_query(
            port, "SELECT public_id FROM failover.registrations WHERE status = 'confirmed'")}
        assert burst.ids() <= stored, port
        assert query(port, "SELECT confirmed_count FROM failover.events") == str(len(stored))
    # Node 1 rejoins (IST from a survivor) and holds the same rows.
    subprocess.run([str(GALERA), "start-node", tmp, "0"], check=True, timeout=300,
                   capture_output=True)
    counts = {query(p, "SELECT COUNT(*) FROM failover.registrations") for p in ports}
    assert len(counts) == 1, counts
    # By IST (what it missed), not a full copy: galera.sh recovered its position first. Node 0
    # bootstrapped the cluster, so any IST in its log is this rejoin's.
    assert "IST received" in Path(tmp, "node0", "err.log").read_text(errors="replace")
    print(f"failover: {dict(burst.statuses)}, {len(burst.confirmed)} confirmed, no 201 for "
          f"{gap:.1f} s, resumed {after_mark:.1f} s after haproxy marked the writer down")


def test_the_writer_cut_off_by_a_partition_is_left_behind_and_rejoins(proxied, regdesk_factory):
    # A partition, not a crash: the writer stays up but loses the other two (Galera's
    # gmcast.isolate drops its group traffic). Alone it is not in the Primary component and
    # answers every statement with 1047: a service on it answers 503, never 500; its health
    # agent says so, haproxy moves to the majority, and sign-ups through haproxy resume. Healed,
    # the node rejoins and holds every row.
    tmp, ports, proxy_port = proxied
    [rd] = services_on(tmp, ports, proxy_port, regdesk_factory, "split", capacity=100000)
    direct = regdesk_factory(f"mysql://regdesk:regdesk@127.0.0.1:{ports[0]}/split",
                             env={"REGDESK_NOW": REHEARSAL_NOW}).start()
    with Burst(rd, "split", tmp) as burst:
        burst.wait_for(100, "sign-ups before the partition", deadline_s=30)
        root_sql(tmp, 0, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'")
        cut_at, at_cut = time.monotonic(), len(burst.confirmed)

        def refused():
            r = direct.http("POST", "/api/v1/events/split/registrations",
                            body=applicant(harness.unique_email("minority")))
            return r if r.status != 201 else None
        r = harness.poll(refused, deadline_s=30, what="the cut-off node to refuse writes")
        assert r.status == 503 and r.json()["code"] == "unavailable", r
        burst.wait_for(at_cut + 100, "sign-ups through haproxy after the partition")
    assert set(burst.statuses) <= {201, 503}, burst.statuses
    after_mark, gap = burst.recovery(cut_at)
    assert after_mark < 10, f"sign-ups resumed {after_mark:.1f} s after haproxy marked node 1 down"
    for port in ports[1:]:
        stored = {row[0] for row in harness.port_query(
            port, "SELECT public_id FROM split.registrations WHERE status = 'confirmed'")}
        assert burst.ids() <= stored, port
    # Healed: node 1 finds the others, catches up, and holds the same rows.
    root_sql(tmp, 0, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'")
    harness.poll(lambda: query(ports[0], "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'")
                 == "Synced", deadline_s=60, what="the healed node to be Synced")
    counts = {query(p, "SELECT COUNT(*) FROM split.registrations") for p in ports}
    assert len(counts) == 1, counts
    print(f"partition: {dict(burst.statuses)}, {len(burst.confirmed)} confirmed, no 201 for "
          f"{gap:.1f} s, resumed {after_mark:.1f} s after haproxy marked the writer down")


def test_three_mail_workers_on_three_machines_send_each_mail_once(proxied, regdesk_factory):
    # Three services (each with its mail worker), as on three machines, all through haproxy:
    # every write on one node, so the outbox claims (FOR UPDATE SKIP LOCKED) hold as on one
    # server. 150 sign-ups spread over the three; each confirmation arrives once, within 30 s.
    tmp, ports, proxy_port = proxied
    services = services_on(tmp, ports, proxy_port, regdesk_factory, "mailed", capacity=1000,
                           count=3)
    addresses = [harness.unique_email("three") for _ in range(150)]
    for i, address in enumerate(addresses):
        r = services[i % 3].http("POST", "/api/v1/events/mailed/registrations",
                                 body=applicant(address))
        assert r.status == 201, r
    wanted = set(addresses)

    def all_arrived():
        got = [a for m in harness.maildir_messages() for a in harness._to_addresses(m) if a in wanted]
        return got if set(got) == wanted else None
    got = harness.poll(all_arrived, deadline_s=30, interval=0.5, what="150 confirmations")
    assert len(got) == len(wanted), collections.Counter(got).most_common(3)
    # And the outbox, read on another node, says each was sent.
    assert query(ports[1], "SELECT COUNT(*) FROM mailed.outbox WHERE state = 'sent'") == "150"
