"""Several `regdesk serve` behind nginx, as on several machines: a private nginx on loopback
(ops/nginx/nginx.sh) with the shipped proxy settings (ops/nginx/proxy.conf), in front of two
services on one MariaDB. Through nginx the cap stays exact; a service killed in the middle of
sign-ups costs no client an error (the sign-ups it was answering go to the other, and nothing
acknowledged is lost); a restart of one service at a time costs no sign-up at all."""

from __future__ import annotations

import asyncio
import collections
import json
import resource
import subprocess
import time
from pathlib import Path

import pytest

import harness
from events import REHEARSAL_NOW, applicant, small_event
from test_concurrency import CLIENTS, SEATS, _burst

NGINX = Path(__file__).resolve().parents[2] / "ops" / "nginx" / "nginx.sh"
CLIENT_THREADS = 6


@pytest.fixture
def quiet(tmp_path):
    """A config without the mail worker: these tests sign up thousands, whose confirmations
    would flood the suite's shared mail catcher."""
    config = tmp_path / "no-worker.json"
    config.write_text(json.dumps({"worker": {"enabled": False}}))
    return config


@pytest.fixture
def behind_nginx(db_url, regdesk_factory, tmp_path, quiet):
    """start(slug, capacity) -> (nginx's URL, [two started services]) on one database."""
    started = []

    def start(slug: str, capacity: int):
        services = [regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW},
                                    args=("--config", str(quiet), "serve")) for _ in range(2)]
        services[0].check("migrate")
        event_file = tmp_path / f"{slug}.json"
        event_file.write_text(json.dumps(small_event(slug, capacity=capacity), ensure_ascii=False),
                              encoding="utf-8")
        services[0].check("events", "import", str(event_file))
        for s in services:
            s.start()
        port = harness.free_port()
        subprocess.run([str(NGINX), "start", str(tmp_path), str(port), *(str(s.port) for s in services)],
                       check=True, timeout=30, stdin=subprocess.DEVNULL, capture_output=True)
        started.append(tmp_path)
        return f"http://127.0.0.1:{port}", services

    yield start
    for d in started:
        subprocess.run([str(NGINX), "stop", str(d)], timeout=30)


def test_two_services_behind_nginx_never_confirm_more_than_the_cap(behind_nginx, db_url):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    url, services = behind_nginx("race", SEATS)
    port = int(url.rsplit(":", 1)[1])

    statuses = collections.Counter(asyncio.run(_burst([port])))

    assert statuses == {201: SEATS, 409: CLIENTS - SEATS}, statuses
    rows = harness.db_query(db_url, "SELECT number FROM registrations WHERE status='confirmed' ORDER BY number")
    assert [int(r[0]) for r in rows] == list(range(1, SEATS + 1))
    # Both services took part: nginx spread the requests.
    for s in services:
        served = harness.http(s.base_url, "GET", "/metrics").text
        assert 'regdesk_http_responses_total{route="signup",status="409"}' in served, s.port


def signups_answered(service) -> int:
    """How many sign-ups SERVICE answered 201, from its /metrics."""
    for line in harness.http(service.base_url, "GET", "/metrics").text.splitlines():
        if line.startswith('regdesk_http_responses_total{route="signup",status="201"}'):
            return int(float(line.split()[-1]))
    return 0


def sign_ups(url: str, slug: str) -> harness.SignUpLoad:
    return harness.SignUpLoad(url, slug, applicant, clients=CLIENT_THREADS, prefix="nginx")


def test_a_service_killed_behind_nginx_loses_no_acknowledged_sign_up(behind_nginx, db_url):
    url, (doomed, survivor) = behind_nginx("failover", 100000)
    with sign_ups(url, "failover") as clients:
        clients.wait_for_more(200, "sign-ups through nginx")
        doomed.kill()
        clients.wait_for_more(300, "sign-ups through nginx after one service died")

    # The sign-ups the dead process was answering went to the other one (locations.conf): a
    # 201, or, when the dead one had stored it already, 409 already_registered. No 5xx at all.
    statuses = clients.statuses
    assert set(statuses) <= {201, "409 already_registered"}, statuses
    assert statuses["409 already_registered"] <= CLIENT_THREADS, statuses
    assert clients.all_stored(db_url), "an acknowledged sign-up is not stored"
    assert harness.http(survivor.base_url, "GET", "/healthz").status == 200
    print(f"through nginx, one service killed: {dict(statuses)}")


def test_a_restart_one_service_at_a_time_behind_nginx_costs_no_sign_up(behind_nginx, db_url,
                                                                        regdesk_factory, quiet):
    url, services = behind_nginx("rolling", 100000)
    with sign_ups(url, "rolling") as clients:
        clients.wait_for_more(200, "sign-ups through nginx")
        for i, old in enumerate(services):
            # SIGTERM: the graceful stop. Traffic keeps coming through nginx while it drains, so it
            # may take its whole drain (20 s; systemd's TimeoutStopSec is 30) on a loaded machine.
            began = time.monotonic()
            assert old.stop(deadline_s=30) == 0
            print(f"service {i} stopped in {time.monotonic() - began:.1f} s")
            clients.wait_for_more(100, "sign-ups through nginx while one service is down")
            services[i] = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW,
                                                       "REGDESK_LISTEN": f"127.0.0.1:{old.port}"},
                                          args=("--config", str(quiet), "serve"))
            services[i].start()
            # The next one may stop once this one takes sign-ups again: nginx tries a process
            # that failed again only after fail_timeout (10 s); stopping the other before that
            # would leave nginx with no process it believes alive (502).
            harness.poll(lambda: signups_answered(services[i]) > 0, deadline_s=30,
                         what="the restarted service to take sign-ups from nginx")

    # Draining, a stopping process answers 503 (nothing stored), and nginx sends the sign-up to
    # the other: the clients saw nothing but 201s.
    assert set(clients.statuses) == {201}, clients.statuses
    assert clients.all_stored(db_url), "an acknowledged sign-up is not stored"
    print(f"through nginx, both services restarted in turn: {dict(clients.statuses)}")
