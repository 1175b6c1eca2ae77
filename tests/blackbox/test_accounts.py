"""Organiser accounts from outside: sign-in by cookie session with CSRF tokens, TOTP, the
throttle on failures, each role against each admin route, API tokens, and the audit trail
read back after each action."""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import re
import struct
from pathlib import Path

import pytest

import harness
from events import REHEARSAL_NOW, SYMPOSIUM, applicant, seed

BRIEFING = "midnet-briefing-2024-04"
PASSWORD = "correct horse battery staple"
CONFIG_TOKEN = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}
SRC = Path(__file__).resolve().parents[2] / "src" / "http"


class Session:
    """A signed-in organiser: the session cookie and its CSRF token, as the dashboard keeps."""

    def __init__(self, rd, email: str, password: str = PASSWORD, otp: str | None = None):
        self.rd = rd
        body = {"email": email, "password": password}
        if otp:
            body["otp"] = otp
        r = harness.http(rd.base_url, "POST", "/api/v1/admin/session", body=body)
        assert r.status == 200, r
        cookie = r.headers.get("Set-Cookie")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie
        self.cookie = cookie.split(";")[0]
        self.csrf = r.json()["csrf_token"]
        self.user = r.json()["user"]

    def http(self, method, path, body=None, csrf=True, headers=None):
        h = {"Cookie": self.cookie}
        if csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        if isinstance(body, bytes):  # an attendance report, as the tool wrote it
            h.setdefault("Content-Type", "text/csv")
            return harness.http(self.rd.base_url, method, path, raw_body=body, headers=h)
        return harness.http(self.rd.base_url, method, path, body=body, headers=h)


def add_user(rd, email, role, events=None, totp=False, password=PASSWORD):
    args = ["admin", "add-user", email, "--role", role]
    if events:
        args += ["--events", ",".join(events)]
    if totp:
        args.append("--totp")
    cp = rd.run(*args, input=password + "\n")
    assert cp.returncode == 0, cp.stderr
    return cp.stdout


def totp(secret: str, at: float) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def audit(rd, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    r = harness.http(rd.base_url, "GET", f"/api/v1/admin/audit?{query}", headers=CONFIG_TOKEN)
    assert r.status == 200, r
    return r.json()["entries"]


def signup(rd, email):
    r = harness.http(rd.base_url, "POST", f"/api/v1/events/{SYMPOSIUM}/registrations",
                     body=applicant(email))
    assert r.status == 201, r
    return r.json()["id"]


@pytest.fixture
def service(seeded_service):
    rd = seeded_service
    add_user(rd, "owner@example.jp", "owner")
    add_user(rd, "editor@example.jp", "editor", [SYMPOSIUM])
    add_user(rd, "viewer@example.jp", "viewer", [SYMPOSIUM])
    add_user(rd, "other@example.jp", "editor", [BRIEFING])
    return rd.start()


# ---------------------------------------------------------------- each role x each route

OK = {"owner": "ok", "editor": "ok", "viewer": "ok", "other": "ok"}
EVENT_COUNTS = {"owner": "ok", "editor": "ok", "viewer": "ok", "other": 403}
EVENT_DATA = {"owner": "ok", "editor": "ok", "viewer": 403, "other": 403}
OWNER_ONLY = {"owner": "ok", "editor": 403, "viewer": 403, "other": 403}
# A copy is a new event: an editor limited to its events may not create one elsewhere.
COPY = OWNER_ONLY
# The symposium issues no certificates: past the right check, the handler says so (409).
CERTIFICATES = {"owner": 409, "editor": 409, "viewer": 403, "other": 403}
# A fresh registration is confirmed, not waitlisted: past the right check, promote says so.
PROMOTE = {"owner": 409, "editor": 409, "viewer": 403, "other": 403}
ZOOM_REPORT = ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"
               "山田 太郎,nobody@example.jp,02/28/2024 02:00:00 PM,02/28/2024 03:00:00 PM,60,No\r\n"
               ).encode()

# (method, path, body maker, expected per role). {reg} is a fresh registration, {user} a
# user to change; "ok" is the route's own success status.
ROUTES = [
    ("GET", "/api/v1/admin/session", None, OK),
    ("GET", "/api/v1/admin/events", None, OK),
    ("GET", f"/api/v1/admin/events/{SYMPOSIUM}/stats", None, EVENT_COUNTS),
    ("GET", f"/api/v1/admin/events/{SYMPOSIUM}", None, EVENT_COUNTS),
    ("PUT", f"/api/v1/admin/events/{SYMPOSIUM}", lambda: seed(SYMPOSIUM), EVENT_DATA),
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/copy",
     lambda: {"slug": harness.unique_email("copy").split("@")[0]}, COPY),
    ("GET", f"/api/v1/admin/events/{SYMPOSIUM}/registrations", None, EVENT_DATA),
    ("GET", f"/api/v1/admin/events/{SYMPOSIUM}/mail", None, EVENT_DATA),
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/{{reg}}/cancel", None, EVENT_DATA),
    # The symposium takes no approvals: a confirmed registration is "already" approved, and
    # declining it is refused (409) past the right check.
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/{{reg}}/approve", None, EVENT_DATA),
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/{{reg}}/decline", None,
     {"owner": 409, "editor": 409, "viewer": 403, "other": 403}),
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/approve",
     lambda: {"ids": ["0" * 32]}, EVENT_DATA),
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/decline",
     lambda: {"ids": ["0" * 32]}, EVENT_DATA),
    ("PATCH", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/{{reg}}",
     lambda: {"organization": "変更後の所属"}, EVENT_DATA),
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/{{reg}}/resend",
     lambda: {"mail": "confirmation"}, EVENT_DATA),
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/{{reg}}/promote", None, PROMOTE),
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/invitations", lambda: {"organization": "A社"},
     EVENT_DATA),
    ("GET", f"/api/v1/admin/events/{SYMPOSIUM}/invitations", None, EVENT_DATA),
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/invitations/import",
     lambda: f"email\r\n{harness.unique_email('invitee')}\r\n".encode(), EVENT_DATA),
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/announcements",
     lambda: {"subject": "お知らせ", "body": "本文", "to": "confirmed"}, EVENT_DATA),
    ("GET", "/api/v1/admin/users", None, OWNER_ONLY),
    ("POST", "/api/v1/admin/users",
     lambda: {"email": harness.unique_email("new"), "password": PASSWORD, "role": "viewer"},
     OWNER_ONLY),
    ("PATCH", "/api/v1/admin/users/{user}", lambda: {"events": [SYMPOSIUM, BRIEFING]}, OWNER_ONLY),
    ("GET", "/api/v1/admin/tokens", None, OWNER_ONLY),
    ("POST", "/api/v1/admin/tokens", lambda: {"name": "nightly", "role": "viewer"}, OWNER_ONLY),
    ("GET", "/api/v1/admin/audit", None, OWNER_ONLY),
    ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/attendance", lambda: ZOOM_REPORT, EVENT_DATA),
    ("GET", f"/api/v1/admin/events/{SYMPOSIUM}/attendance", None, EVENT_DATA),
    ("GET", f"/api/v1/admin/events/{SYMPOSIUM}/certificates", None, CERTIFICATES),
    ("DELETE", "/api/v1/admin/session", None, OK),
]
SUCCESS = {"GET": {200}, "PUT": {200}, "PATCH": {200}, "DELETE": {204},
           "POST": {200, 201, 202}}


def test_the_route_table_covers_every_guarded_route():
    # Read from the source: a route added without a row here fails this test.
    added = set()
    for f in SRC.glob("*.cpp"):
        for m in re.finditer(r'add_guarded\(\s*routes,\s*ctx,\s*"(\w+)",\s*"([^"]+)"', f.read_text()):
            added.add((m.group(1), re.sub(r":(\w+)", r"{\1}", m.group(2))))
    tested = {(m, re.sub(r"/[a-z0-9-]+-20\d\d", "/{slug}", p.replace("{reg}", "{id}")
                                                         .replace("{user}", "{id}")))
              for m, p, _, _ in ROUTES}
    assert added and added == tested


@pytest.mark.parametrize("role", ["owner", "editor", "viewer", "other"])
def test_each_role_against_each_admin_route(service, role):
    s = Session(service, f"{role}@example.jp")
    for method, path, body, expected in ROUTES:
        path = path.replace("{reg}", signup(service, harness.unique_email("reg")))
        if "{user}" in path:
            cp = service.run("admin", "list-users")
            viewer_id = next(line.split("\t")[0] for line in cp.stdout.splitlines()
                             if "\tviewer@example.jp\t" in line)
            path = path.replace("{user}", viewer_id)
        r = s.http(method, path, body=body() if body else None)
        want = SUCCESS[method] if expected[role] == "ok" else {expected[role]}
        assert r.status in want, (role, method, path, r)
        if r.status == 403:
            assert r.json()["code"] == "forbidden"


def test_without_credentials_every_admin_route_is_401(service):
    for method, path, body, _ in ROUTES:
        path = path.replace("{reg}", "0" * 32).replace("{user}", "1")
        data = body() if body else None
        r = (harness.http(service.base_url, method, path, raw_body=data,
                          headers={"Content-Type": "text/csv"}) if isinstance(data, bytes)
             else harness.http(service.base_url, method, path, body=data))
        assert r.status == 401 and r.json()["code"] == "unauthorized", (method, path, r)


def test_a_viewer_sees_counts_of_its_events_and_no_names(service):
    signup(service, "someone@example.jp")
    v = Session(service, "viewer@example.jp")
    events = v.http("GET", "/api/v1/admin/events").json()["events"]
    assert [e["slug"] for e in events] == [SYMPOSIUM]
    stats = v.http("GET", f"/api/v1/admin/events/{SYMPOSIUM}/stats")
    assert stats.status == 200 and stats.json()["counts"]["confirmed"] == 1
    assert "someone@example.jp" not in stats.text
    for fmt in ("json", "csv", "xlsx"):
        r = v.http("GET", f"/api/v1/admin/events/{SYMPOSIUM}/registrations?format={fmt}")
        assert r.status == 403, r
    assert v.http("GET", f"/api/v1/admin/events/{BRIEFING}/stats").status == 403


# ---------------------------------------------------------------- sessions

def test_csrf_token_is_required_on_unsafe_requests_and_nothing_changes_without_it(service):
    s = Session(service, "owner@example.jp")
    reg = signup(service, "keep@example.jp")
    path = f"/api/v1/admin/events/{SYMPOSIUM}/registrations/{reg}/cancel"
    for headers in ({}, {"X-CSRF-Token": "x" * 43}):
        r = s.http("POST", path, csrf=False, headers=headers)
        assert r.status == 403 and r.json()["code"] == "csrf_failed", r
    regs = s.http("GET", f"/api/v1/admin/events/{SYMPOSIUM}/registrations").json()
    assert [x["status"] for x in regs["registrations"] if x["id"] == reg] == ["confirmed"]
    assert s.http("POST", path).status == 200


def test_signed_out_session_is_refused(service):
    s = Session(service, "editor@example.jp")
    r = s.http("DELETE", "/api/v1/admin/session")
    assert r.status == 204 and "Max-Age=0" in r.headers.get("Set-Cookie")
    assert s.http("GET", "/api/v1/admin/session").status == 401
    assert any(e["action"] == "sign_out" and e["actor"] == "user:editor@example.jp"
               for e in audit(service))


def test_idle_and_old_sessions_end(service):
    idle, old = Session(service, "editor@example.jp"), Session(service, "viewer@example.jp")
    assert idle.http("GET", "/api/v1/admin/session").status == 200
    name = harness.db_name(service.db_url)
    # The server's clock is the rehearsal clock; age the rows instead of waiting.
    harness.db_query(name, "UPDATE organiser_sessions s JOIN organiser_users u ON u.id = s.user_id"
                           " SET s.last_seen_at = s.last_seen_at - INTERVAL 31 MINUTE"
                           " WHERE u.email = 'editor@example.jp'")
    harness.db_query(name, "UPDATE organiser_sessions s JOIN organiser_users u ON u.id = s.user_id"
                           " SET s.created_at = s.created_at - INTERVAL 13 HOUR"
                           " WHERE u.email = 'viewer@example.jp'")
    assert idle.http("GET", "/api/v1/admin/session").status == 401
    assert old.http("GET", "/api/v1/admin/session").status == 401


def test_disabling_a_user_ends_its_sessions(service):
    victim = Session(service, "editor@example.jp")
    owner = Session(service, "owner@example.jp")
    r = owner.http("PATCH", f"/api/v1/admin/users/{victim.user['id']}", body={"disabled": True})
    assert r.status == 200 and r.json()["disabled"] is True
    assert victim.http("GET", "/api/v1/admin/session").status == 401
    r = harness.http(service.base_url, "POST", "/api/v1/admin/session",
                     body={"email": "editor@example.jp", "password": PASSWORD})
    assert r.status == 401


def test_the_session_answers_who_and_the_csrf_token(service):
    s = Session(service, "Viewer@Example.JP")
    r = s.http("GET", "/api/v1/admin/session")
    body = r.json()
    assert body.pop("server_time").startswith("2024-01-15T01:0")  # the rehearsal clock
    assert body == {"actor": {"name": "user:viewer@example.jp", "role": "viewer",
                              "events": [SYMPOSIUM]},
                    "csrf_token": s.csrf}
    assert "no-store" in r.headers.get("Cache-Control")


# ---------------------------------------------------------------- sign-in failures

def sign_in(rd, email, password, **extra):
    return harness.http(rd.base_url, "POST", "/api/v1/admin/session",
                        body={"email": email, "password": password, **extra})


def test_wrong_password_and_unknown_address_answer_alike_then_throttle(service):
    wrong = sign_in(service, "owner@example.jp", "not the password at all")
    unknown = sign_in(service, "nobody@example.jp", "not the password at all")
    assert wrong.status == unknown.status == 401
    assert wrong.json()["code"] == unknown.json()["code"] == "sign_in_failed"
    assert wrong.json()["title"] == unknown.json()["title"]
    assert wrong.headers.get("Set-Cookie") is None
    for email in ("owner@example.jp", "nobody@example.jp"):
        for _ in range(4):
            assert sign_in(service, email, "still wrong, still wrong").status == 401
        # Locked for this address, even with the right password.
        r = sign_in(service, email, PASSWORD)
        assert r.status == 429 and r.json()["code"] == "rate_limited", r
        assert int(r.headers.get("Retry-After")) > 0
    # Other addresses still sign in.
    assert sign_in(service, "editor@example.jp", PASSWORD).status == 200
    failed = [e for e in audit(service) if e["action"] == "sign_in_failed"]
    assert len(failed) == 10
    assert {e["detail"]["reason"] for e in failed} == {"wrong_password", "unknown_address"}


def test_bad_sign_in_bodies_are_field_errors(service):
    for body, field in (({"password": PASSWORD}, "email"), ({"email": "owner@example.jp"}, "password"),
                        ({"email": 3, "password": PASSWORD}, "email")):
        r = harness.http(service.base_url, "POST", "/api/v1/admin/session", body=body)
        assert r.status == 422 and r.json()["errors"][0]["field"] == field, r


def test_totp_is_asked_for_checked_and_not_replayed(service):
    out = add_user(service, "totp@example.jp", "owner", totp=True)
    secret = re.search(r"TOTP secret ([A-Z2-7]+)", out).group(1)
    assert f"otpauth://totp/regdesk:totp%40example.jp?secret={secret}&issuer=regdesk" in out
    r = sign_in(service, "totp@example.jp", PASSWORD)
    assert r.status == 401 and r.json()["code"] == "otp_required"
    # The server's clock is the rehearsal clock: the code is for its "now".
    now = harness.http(service.base_url, "POST", "/api/v1/admin/tokens", headers=CONFIG_TOKEN,
                       body={"name": "clock", "role": "viewer"}).json()["created_at"]
    at = _epoch(now)
    code = totp(secret, at)
    window = {totp(secret, at + d) for d in (-60, -30, 0, 30, 60)}
    wrong = next(c for c in ("000000", "000001", "000002", "000003", "000004", "000005")
                 if c not in window)
    r = sign_in(service, "totp@example.jp", PASSWORD, otp=wrong)
    assert r.status == 401 and r.json()["code"] == "sign_in_failed"
    s = Session(service, "totp@example.jp", otp=code)
    assert s.user["totp"] is True
    # The same code a second time is refused (a code works once).
    r = sign_in(service, "totp@example.jp", PASSWORD, otp=code)
    assert r.status == 401 and r.json()["code"] == "sign_in_failed"


def test_owners_without_totp_are_refused_when_it_is_required(db_url, regdesk_factory, tmp_path):
    config = tmp_path / "regdesk.json"
    config.write_text(json.dumps({"admin": {"require_totp": True}}))
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW},
                         args=("--config", str(config), "serve"))
    rd.check("migrate")
    add_user(rd, "owner@example.jp", "owner")
    add_user(rd, "editor@example.jp", "editor")
    rd.start()
    r = sign_in(rd, "owner@example.jp", PASSWORD)
    assert r.status == 403 and r.json()["code"] == "totp_setup_required"
    assert sign_in(rd, "editor@example.jp", PASSWORD).status == 200


def _epoch(rfc3339: str) -> float:
    from datetime import datetime
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


# ---------------------------------------------------------------- API tokens

def test_api_tokens_are_shown_once_scoped_and_expire(service):
    owner = Session(service, "owner@example.jp")
    r = owner.http("POST", "/api/v1/admin/tokens",
                   body={"name": "co-host counts", "role": "viewer", "events": [SYMPOSIUM]})
    assert r.status == 201, r
    secret = r.json()["token"]
    bearer = {"Authorization": f"Bearer {secret}"}
    assert harness.http(service.base_url, "GET", f"/api/v1/admin/events/{SYMPOSIUM}/stats",
                        headers=bearer).status == 200
    assert harness.http(service.base_url, "GET", f"/api/v1/admin/events/{SYMPOSIUM}/registrations",
                        headers=bearer).status == 403
    assert harness.http(service.base_url, "GET", f"/api/v1/admin/events/{BRIEFING}/stats",
                        headers=bearer).status == 403
    # Never shown again, never stored.
    listed = owner.http("GET", "/api/v1/admin/tokens").json()["tokens"]
    assert [t["name"] for t in listed] == ["co-host counts"] and secret not in json.dumps(listed)
    name = harness.db_name(service.db_url)
    assert harness.db_query(name, "SELECT token_hash FROM api_tokens") == [
        (hashlib.sha256(secret.encode()).hexdigest(),)]
    # A token that expires in three seconds of the server's clock stops working.
    created = _epoch(r.json()["created_at"])
    from datetime import datetime, timezone
    expires = datetime.fromtimestamp(created + 3, timezone.utc).isoformat().replace("+00:00", "Z")
    r = owner.http("POST", "/api/v1/admin/tokens",
                   body={"name": "short", "role": "editor", "expires_at": expires})
    assert r.status == 201, r
    short = {"Authorization": f"Bearer {r.json()['token']}"}
    assert harness.http(service.base_url, "GET", "/api/v1/admin/events", headers=short).status == 200
    harness.poll(lambda: harness.http(service.base_url, "GET", "/api/v1/admin/events",
                                      headers=short).status == 401,
                 deadline_s=15, what="the token to expire")
    assert harness.http(service.base_url, "GET", "/api/v1/admin/events",
                        headers={"Authorization": "Bearer not-a-token"}).status == 401


def test_token_bodies_are_checked(service):
    for body, field in (({"role": "viewer"}, "name"), ({"name": "x", "role": "king"}, "role"),
                        ({"name": "x", "role": "viewer", "events": ["a,b"]}, "events"),
                        ({"name": "x", "role": "viewer", "expires_at": "2000-01-01T00:00:00Z"},
                         "expires_at")):
        r = harness.http(service.base_url, "POST", "/api/v1/admin/tokens", body=body,
                         headers=CONFIG_TOKEN)
        assert r.status == 422 and r.json()["errors"][0]["field"] == field, r
    assert harness.http(service.base_url, "GET", "/api/v1/admin/tokens",
                        headers=CONFIG_TOKEN).json()["tokens"] == []


# ---------------------------------------------------------------- users

def test_users_added_listed_and_changed(service):
    owner = Session(service, "owner@example.jp")
    r = owner.http("POST", "/api/v1/admin/users",
                   body={"email": "Co-Host@Example.JP", "password": PASSWORD, "role": "viewer",
                         "events": [SYMPOSIUM]})
    # Kept as given; matched whatever its case.
    assert r.status == 201 and r.json()["email"] == "Co-Host@Example.JP", r
    again = owner.http("POST", "/api/v1/admin/users",
                       body={"email": "co-host@example.jp", "password": PASSWORD, "role": "viewer"})
    assert again.status == 422 and again.json()["errors"][0] == {
        **again.json()["errors"][0], "field": "email", "code": "taken"}
    short = owner.http("POST", "/api/v1/admin/users",
                       body={"email": "x@example.jp", "password": "short", "role": "viewer"})
    assert short.status == 422 and short.json()["errors"][0]["code"] == "too_short"
    uid = r.json()["id"]
    r = owner.http("PATCH", f"/api/v1/admin/users/{uid}", body={"role": "editor"})
    assert r.status == 200 and r.json()["role"] == "editor"
    assert owner.http("PATCH", "/api/v1/admin/users/99999", body={"role": "editor"}).status == 404
    emails = [u["email"] for u in owner.http("GET", "/api/v1/admin/users").json()["users"]]
    assert "Co-Host@Example.JP" in emails
    # A new password ends the old sessions and the new one signs in.
    s = Session(service, "co-host@example.jp")
    assert owner.http("PATCH", f"/api/v1/admin/users/{uid}",
                      body={"password": "a brand new long password"}).status == 200
    assert s.http("GET", "/api/v1/admin/session").status == 401
    Session(service, "co-host@example.jp", password="a brand new long password")
    # Nothing here stored a password.
    name = harness.db_name(service.db_url)
    hashes = [h for (h,) in harness.db_query(name, "SELECT password_hash FROM organiser_users")]
    assert all(h.startswith("$argon2id$v=19$") for h in hashes)
    assert not any(PASSWORD in h for h in hashes)


def test_cli_refuses_bad_users(service):
    assert service.run("admin", "add-user", "not-an-address", "--role", "viewer",
                       input=PASSWORD + "\n").returncode != 0
    assert service.run("admin", "add-user", "x@example.jp", "--role", "viewer",
                       input="short\n").returncode != 0
    assert service.run("admin", "add-user", "owner@example.jp", "--role", "viewer",
                       input=PASSWORD + "\n").returncode != 0
    users = service.run("admin", "list-users").stdout
    assert "x@example.jp" not in users and users.count("owner@example.jp") == 1
    assert f"editor@example.jp\teditor\t{SYMPOSIUM}\tpassword" in users


# ---------------------------------------------------------------- audit trail

def test_every_action_is_in_the_audit_trail(service):
    editor = Session(service, "editor@example.jp")
    reg = signup(service, "audited@example.jp")
    assert editor.http("GET", f"/api/v1/admin/events/{SYMPOSIUM}/registrations").status == 200
    assert editor.http("GET", f"/api/v1/admin/events/{SYMPOSIUM}/registrations?format=csv").status == 200
    assert editor.http("GET", f"/api/v1/admin/events/{SYMPOSIUM}/mail").status == 200
    assert editor.http("PUT", f"/api/v1/admin/events/{SYMPOSIUM}", body=seed(SYMPOSIUM)).status == 200
    assert editor.http("POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/{reg}/cancel").status == 200
    assert editor.http("POST", f"/api/v1/admin/events/{SYMPOSIUM}/announcements",
                       body={"subject": "件名", "body": "本文"}).status == 202
    # A refused request changes nothing and is not an action.
    assert editor.http("GET", "/api/v1/admin/users").status == 403

    entries = audit(service, event=SYMPOSIUM)
    mine = [e for e in entries if e["actor"] == "user:editor@example.jp"]
    assert [e["action"] for e in mine] == ["registrations_viewed", "export", "mail_viewed",
                                           "event_changed", "registration_cancelled",
                                           "announcement_sent"]
    assert mine[1]["detail"] == {"format": "csv", "status": "all"}
    assert mine[4]["target"] == reg
    assert mine[5]["detail"]["recipients"] >= 0
    assert all(e["client"] == "127.0.0.1" and e["event"] == SYMPOSIUM for e in mine)
    signed_in = [e for e in audit(service) if e["action"] == "sign_in"]
    assert [e["actor"] for e in signed_in] == ["user:editor@example.jp"]
    # The CLI's import is in it too.
    assert any(e["actor"] == "cli" and e["action"] == "event_created" for e in audit(service))

    # CSV: one row per entry, readable by a plain CSV reader.
    r = harness.http(service.base_url, "GET", f"/api/v1/admin/audit?event={SYMPOSIUM}&format=csv",
                     headers=CONFIG_TOKEN)
    rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8-sig"))))
    assert len(rows) == len(entries) and rows[-1]["action"] == "announcement_sent"

    # since= filters; the audit API has nothing that changes or deletes.
    last = entries[-1]["at"]
    assert [e["action"] for e in audit(service, event=SYMPOSIUM, since=last)] == ["announcement_sent"]
    for method in ("DELETE", "PUT", "PATCH", "POST"):
        assert harness.http(service.base_url, method, "/api/v1/admin/audit",
                            headers=CONFIG_TOKEN).status == 405

    # The purge of personal data keeps the trail, and is in it.
    before = audit(service)
    service.check("purge", "--event", SYMPOSIUM)
    after = audit(service)
    assert after[:len(before)] == before
    assert [(e["actor"], e["action"], e["event"]) for e in after[len(before):]] == [
        ("cli", "personal_data_purged", SYMPOSIUM)]


def test_the_audit_trail_is_for_owners(service):
    editor = Session(service, "editor@example.jp")
    assert editor.http("GET", "/api/v1/admin/audit").status == 403


def test_the_last_owner_cannot_be_demoted_or_disabled(service):
    owner = Session(service, "owner@example.jp")
    me = owner.user["id"]
    for change in ({"role": "editor"}, {"disabled": True}):
        r = owner.http("PATCH", f"/api/v1/admin/users/{me}", body=change)
        assert r.status == 409 and r.json()["code"] == "last_owner", r
    assert owner.http("GET", "/api/v1/admin/session").json()["actor"]["role"] == "owner"
    second = owner.http("POST", "/api/v1/admin/users",
                        body={"email": "second-owner@example.jp", "password": PASSWORD,
                              "role": "owner"}).json()
    assert owner.http("PATCH", f"/api/v1/admin/users/{me}", body={"role": "editor"}).status == 200
    assert owner.http("GET", "/api/v1/admin/users").status == 403  # an editor now
    s2 = Session(service, "second-owner@example.jp")
    assert s2.http("PATCH", f"/api/v1/admin/users/{second['id']}", body={"disabled": True}).status == 409
