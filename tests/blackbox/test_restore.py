"""The restore drill: ops/backup.sh of a service in use, ops/restore.sh into a fresh MariaDB,
`regdesk serve` on it: the same registrations, numbers, counts, outbox states and audit
entries, links mailed before the backup still work, and numbering carries on."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import harness
from events import SYMPOSIUM, applicant
from mailtools import cancel_token, wait_for_mail

OPS = Path(__file__).resolve().parents[2] / "ops"
ADMIN = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}

# What must come back exactly, table by table.
SNAPSHOT = {
    "registrations": "SELECT public_id, number, status, email, name FROM registrations ORDER BY number",
    "events": "SELECT slug, capacity, confirmed_count, waitlisted_count FROM events ORDER BY slug",
    "outbox": "SELECT id, registration_public_id, kind, state FROM outbox ORDER BY id",
    "audit": "SELECT id, actor, action, COALESCE(event_slug, ''), COALESCE(target, '') FROM audit_log ORDER BY id",
    "keys": "SELECT name, HEX(secret) FROM app_keys ORDER BY name",
}


def snapshot(query) -> dict:
    return {name: query(sql) for name, sql in SNAPSHOT.items()}


def test_a_backup_restored_into_a_fresh_server_serves_as_before(seeded_service, private_db,
                                                                 regdesk_factory, tmp_path):
    rd = seeded_service.start()
    people = [harness.unique_email("restore") for _ in range(3)]
    ids = []
    for p in people:
        r = rd.http("POST", f"/api/v1/events/{SYMPOSIUM}/registrations", body=applicant(p))
        assert r.status == 201, r
        ids.append(r.json()["id"])
    token = cancel_token(wait_for_mail(people[0])[0])
    assert rd.http("POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/{ids[2]}/cancel",
                   headers=ADMIN).status == 200
    harness.poll(lambda: harness.db_query(rd.db_url, "SELECT COUNT(*) FROM outbox WHERE state = 'queued'")
                 == [("0",)], deadline_s=20, what="the outbox to drain")
    before = snapshot(lambda sql: harness.db_query(rd.db_url, sql))
    rd.stop()

    env = {**os.environ, "REGDESK_DB_URL": rd.db_url}
    out = subprocess.run([str(OPS / "backup.sh"), str(tmp_path)], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    [backup] = list(tmp_path.glob("regdesk-*.sql.gz"))
    assert str(backup) in out

    # Into a fresh MariaDB, in a database that does not exist yet.
    target = f"mysql://regdesk:regdesk@127.0.0.1:{private_db.port}/restored"
    subprocess.run([str(OPS / "restore.sh"), str(backup)], env={**os.environ, "REGDESK_DB_URL": target},
                   check=True, capture_output=True, text=True, timeout=120)
    # Never over live data.
    again = subprocess.run([str(OPS / "restore.sh"), str(backup)],
                           env={**os.environ, "REGDESK_DB_URL": target},
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 1 and "already has" in again.stderr

    after = snapshot(lambda sql: harness.port_query(private_db.port, f"USE restored; {sql}"))
    assert {k: [tuple(map(str, row)) for row in v] for k, v in after.items()} == before

    restored = regdesk_factory(target, env={"REGDESK_NOW": "2024-01-15T10:00:00+09:00"})
    restored.check("migrate")
    restored.start()
    # The link mailed before the backup still opens the registration.
    me = restored.http("GET", f"/api/v1/registrations/self?token={token}")
    assert me.status == 200 and me.json()["number"] == 1, me
    assert restored.http("GET", f"/cancel?token={token}").status == 200
    # Numbering carries on; the seat count is the restored one.
    r = restored.http("POST", f"/api/v1/events/{SYMPOSIUM}/registrations",
                      body=applicant(harness.unique_email("after")))
    assert r.status == 201 and r.json()["number"] == 4, r
    stats = restored.http("GET", f"/api/v1/admin/events/{SYMPOSIUM}/stats", headers=ADMIN).json()
    assert stats["counts"] == {"confirmed": 3, "waitlisted": 0, "pending": 0, "declined": 0, "cancelled": 1}
