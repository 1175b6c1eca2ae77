"""A database outage: 503 `unavailable` with Retry-After (never a 500, never a crash), /readyz
fails, and both recover by themselves. Uses a MariaDB of its own, so the other suites running
beside it are not disturbed."""

from __future__ import annotations

import harness
from events import REHEARSAL_NOW, SEED_DIR, SYMPOSIUM, applicant


def test_database_outage_gives_503_and_recovers(private_db, regdesk_factory):
    rd = regdesk_factory(private_db.url, env={"REGDESK_NOW": REHEARSAL_NOW})
    rd.check("migrate")
    rd.check("events", "import", str(SEED_DIR / f"{SYMPOSIUM}.json"))
    rd.start()
    path = f"/api/v1/events/{SYMPOSIUM}/registrations"
    assert harness.http(rd.base_url, "POST", path, body=applicant("before@example.jp")).status == 201

    private_db.stop()

    for i in range(3):
        r = harness.http(rd.base_url, "POST", path, body=applicant(f"during{i}@example.jp"))
        assert r.status == 503, r
        assert r.json()["code"] == "unavailable"
        assert int(r.headers["Retry-After"]) > 0
    ready = harness.http(rd.base_url, "GET", "/readyz")
    assert ready.status == 503 and ready.json()["status"] == "not_ready"
    detail = harness.http(rd.base_url, "GET", f"/api/v1/events/{SYMPOSIUM}")
    assert detail.status == 503 and detail.json()["code"] == "unavailable"
    assert harness.http(rd.base_url, "GET", "/healthz").status == 200
    assert rd.proc.poll() is None, "the service must not exit"

    private_db.start()

    harness.poll(lambda: harness.http(rd.base_url, "GET", "/readyz").status == 200,
                 deadline_s=30, what="/readyz to recover")
    after = harness.poll(
        lambda: (lambda r: r if r.status == 201 else None)(
            harness.http(rd.base_url, "POST", path, body=applicant("after@example.jp"))),
        deadline_s=30, what="sign-up to recover")
    assert after.json()["number"] == 2  # nothing was half-written during the outage
    rows = private_db.query("SELECT email_key FROM outage.registrations ORDER BY number")
    assert rows == [("before@example.jp",), ("after@example.jp",)]
