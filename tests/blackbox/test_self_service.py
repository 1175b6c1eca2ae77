"""Self-service and the organiser's hand actions, from outside: a person edits their own
details through the mailed manage token (validated as a sign-up, every error at once, the
address refused, nothing changed by a refused edit), asks for their links again (the same 202
for an unknown address; rate limited), and an organiser edits, re-mails and promotes by hand,
each audited; a viewer may do none of it."""

from __future__ import annotations

import json
import time

import pytest

import harness
from events import applicant, small_event
from mailtools import body_text, cancel_token, join_token, wait_for_mail

ADMIN = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}
PASSWORD = "correct horse battery staple"
SLUG = "self-service"
TINY = "self-service-tiny"  # one seat and a waitlist
QUESTIONS = [
    {"id": "role", "type": "select", "label": {"ja": "ご担当", "en": "Role"}, "required": True,
     "options": [{"value": "pv", "label": {"ja": "安全性", "en": "Safety"}},
                 {"value": "epi", "label": {"ja": "疫学", "en": "Epidemiology"}}]},
    {"id": "accommodation", "type": "text", "label": {"ja": "配慮のご希望", "en": "Accommodation"},
     "required": False},
]


def admin(rd, method, path, body=None):
    return harness.http(rd.base_url, method, path, body=body, headers=ADMIN)


def put_events(rd):
    for body in (small_event(SLUG, capacity=10, questions=QUESTIONS),
                 small_event(TINY, capacity=1, waitlist=5)):
        r = admin(rd, "PUT", f"/api/v1/admin/events/{body['slug']}", body)
        assert r.status in (200, 201), r


@pytest.fixture
def service(seeded_service):
    rd = seeded_service
    cp = rd.run("admin", "add-user", "viewer@example.jp", "--role", "viewer", "--events",
                f"{SLUG},{TINY}", input=PASSWORD + "\n")
    assert cp.returncode == 0, cp.stderr
    rd.start()
    put_events(rd)
    return rd


def sign_up(rd, slug, email, **fields):
    body = applicant(email, **fields)
    if slug == SLUG:
        body.setdefault("answers", {"role": "pv", "accommodation": "車椅子席"})
    r = harness.http(rd.base_url, "POST", f"/api/v1/events/{slug}/registrations", body=body)
    assert r.status == 201, r
    return r.json()


def manage_token(email, subject_has="受付"):
    return cancel_token(wait_for_mail(email, subject_has=subject_has)[0])


def self_view(rd, token):
    r = harness.http(rd.base_url, "GET", f"/api/v1/registrations/self?token={token}")
    assert r.status == 200, r
    return r.json()


def patch_self(rd, token, body):
    return harness.http(rd.base_url, "PATCH", f"/api/v1/registrations/self?token={token}", body=body)


def audit(rd, action=None):
    r = admin(rd, "GET", "/api/v1/admin/audit")
    assert r.status == 200, r
    return [e for e in r.json()["entries"] if action is None or e["action"] == action]


def detail(entry):
    d = entry["detail"]
    return json.loads(d) if isinstance(d, str) else d


# ---------------------------------------------------------------- the person's own edit

def test_a_partial_edit_changes_only_what_was_sent_and_is_audited(service):
    email = harness.unique_email("edit")
    reg = sign_up(service, SLUG, email)
    token = manage_token(email)
    before = self_view(service, token)
    assert before["organization"] == "テスト製薬株式会社" and before["answers"]["role"] == "pv"

    r = patch_self(service, token, {"organization": "新しい製薬株式会社", "answers": {"role": "epi"}})
    assert r.status == 200, r
    after = r.json()
    assert after["organization"] == "新しい製薬株式会社"
    assert after["answers"] == {"role": "epi", "accommodation": "車椅子席"}
    for unchanged in ("name", "name_kana", "department", "category", "phone", "email", "status"):
        assert after[unchanged] == before[unchanged], unchanged
    assert sorted(after["changed"]) == ["answers.role", "organization"]
    assert self_view(service, token) == {k: v for k, v in after.items() if k != "changed"}

    entries = [e for e in audit(service, "registration_changed") if e["target"] == reg["id"]]
    assert len(entries) == 1 and entries[0]["actor"] == "registrant"
    changes = {c["field"]: c for c in detail(entries[0])["changed"]}
    assert changes["organization"]["from"] == "テスト製薬株式会社"
    assert changes["organization"]["to"] == "新しい製薬株式会社"
    assert changes["answers.role"] == {"field": "answers.role", "from": "pv", "to": "epi"}


def test_an_invalid_edit_reports_every_error_and_changes_nothing(service):
    email = harness.unique_email("bad")
    sign_up(service, SLUG, email)
    token = manage_token(email)
    before = self_view(service, token)
    audited = len(audit(service))
    r = patch_self(service, token, {"name": " ", "category": "astronaut", "phone": "abc",
                                    "answers": {"role": "nope", "ghost": "x"}})
    assert r.status == 422 and r.json()["code"] == "validation_failed", r
    fields = {(e["field"], e["code"]) for e in r.json()["errors"]}
    assert fields >= {("name", "required"), ("category", "invalid"), ("phone", "invalid"),
                      ("answers.role", "invalid"), ("answers.ghost", "unknown")}, fields
    assert self_view(service, token) == before
    assert len(audit(service)) == audited


def test_the_address_cannot_be_edited(service):
    email = harness.unique_email("addr")
    sign_up(service, SLUG, email)
    token = manage_token(email)
    before = self_view(service, token)
    r = patch_self(service, token, {"email": "someone-else@example.jp", "department": "別部署"})
    assert r.status == 422, r
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("email", "not_editable")]
    assert self_view(service, token) == before


def test_a_cancelled_registration_cannot_be_edited_and_a_bad_token_is_404(service):
    email = harness.unique_email("gone")
    sign_up(service, SLUG, email)
    token = manage_token(email)
    assert harness.http(service.base_url, "POST", "/api/v1/registrations/cancel",
                        body={"token": token}).status == 200
    r = patch_self(service, token, {"organization": "x"})
    assert r.status == 409 and r.json()["code"] == "registration_cancelled", r
    assert self_view(service, token)["organization"] == "テスト製薬株式会社"
    bad = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert patch_self(service, bad, {"organization": "x"}).status == 404
    assert patch_self(service, "nonsense", {"organization": "x"}).status == 404


# ---------------------------------------------------------------- "mail my links again"

def resend(rd, slug, email):
    return harness.http(rd.base_url, "POST", "/api/v1/registrations/resend",
                        body={"event": slug, "email": email})


def test_resend_answers_the_same_for_known_and_unknown_and_mails_only_the_known(service):
    known = harness.unique_email("known")
    unknown = harness.unique_email("unknown")
    sign_up(service, SLUG, known)
    wait_for_mail(known, subject_has="受付")
    answers = [resend(service, SLUG, known), resend(service, SLUG, unknown),
               resend(service, "no-such-event", known)]
    assert {r.status for r in answers} == {202}
    assert len({r.body for r in answers}) == 1
    msgs = wait_for_mail(known, count=2, subject_has="受付")
    token = cancel_token(msgs[-1])
    assert self_view(service, token)["email"] == known  # the resent link works
    # The unknown address got nothing, though its request was answered before the known one's
    # mail went out.
    assert harness.maildir_messages(to=unknown) == []


def test_a_waitlisted_person_gets_the_waitlist_notice_again(service):
    sign_up(service, TINY, harness.unique_email("seat"))
    email = harness.unique_email("waiting")
    body = applicant(email, waitlist=True)
    r = harness.http(service.base_url, "POST", f"/api/v1/events/{TINY}/registrations", body=body)
    assert r.status == 201 and r.json()["status"] == "waitlisted", r
    first = wait_for_mail(email)
    assert resend(service, TINY, email).status == 202
    msgs = wait_for_mail(email, count=2)
    assert msgs[-1]["Subject"] == first[0]["Subject"]


def test_resend_is_rate_limited_per_address(service):
    email = harness.unique_email("limit")
    for _ in range(3):
        assert resend(service, SLUG, email).status == 202
    r = resend(service, SLUG, email.upper())  # the same address however it is typed
    assert r.status == 429 and r.json()["code"] == "rate_limited", r
    assert int(r.headers["Retry-After"]) >= 1
    assert resend(service, SLUG, harness.unique_email("other")).status == 202


def test_resend_is_rate_limited_per_client(service):
    # Every request here comes from one client (this test, on a server of its own). The bucket
    # holds a minute's allowance and refills it steadily, so a slow machine may earn a request
    # back mid-burst: the 429 must come once the allowance and what the elapsed time refilled
    # are spent.
    per_minute = 10  # http/api.hpp, resend_limit_per_client
    started = time.monotonic()
    statuses = []
    while 429 not in statuses and len(statuses) < 4 * per_minute:
        statuses.append(resend(service, SLUG, harness.unique_email("many")).status)
    refilled = int((time.monotonic() - started) * per_minute / 60)
    assert statuses[-1] == 429 and set(statuses[:-1]) == {202}, statuses
    assert per_minute <= len(statuses) - 1 <= per_minute + refilled, (statuses, refilled)


def test_a_burst_of_resends_queues_one_mail(tmp_path, db_url, regdesk_factory):
    # No worker: what is queued stays queued, so the outbox shows exactly what a burst added.
    cfg = tmp_path / "regdesk.json"
    cfg.write_text(json.dumps({"worker": {"enabled": False}}))
    from events import REHEARSAL_NOW
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW}, args=("--config", str(cfg), "serve"))
    rd.check("migrate")
    rd.start()
    put_events(rd)
    email = harness.unique_email("burst")
    reg = sign_up(rd, SLUG, email)
    for _ in range(3):
        r = harness.http(rd.base_url, "POST", "/api/v1/registrations/resend",
                         body={"event": SLUG, "email": email.upper()})
        assert r.status == 202, r
    rows = harness.db_query(db_url, "SELECT kind, state FROM outbox WHERE registration_public_id = "
                                    f"'{reg['id']}' AND dedupe_key LIKE 'resend:%'")
    assert rows == [("confirmation", "queued")]


# ---------------------------------------------------------------- the organiser's hand actions

def test_an_organiser_edit_is_validated_and_audited_with_old_and_new_values(service):
    email = harness.unique_email("org")
    reg = sign_up(service, SLUG, email)
    path = f"/api/v1/admin/events/{SLUG}/registrations/{reg['id']}"
    r = admin(service, "PATCH", path, {"phone": "nonsense", "answers": {"role": ""}})
    assert r.status == 422
    assert {e["field"] for e in r.json()["errors"]} == {"phone", "answers.role"}
    r = admin(service, "PATCH", path, {"name": "山田 花子", "email": "x@example.jp"})
    assert r.status == 422 and r.json()["errors"][0]["field"] == "email"
    r = admin(service, "PATCH", path, {"name": "山田 花子", "answers": {"accommodation": ""}})
    assert r.status == 200, r
    assert r.json()["name"] == "山田 花子" and r.json()["answers"] == {"role": "pv"}
    entries = [e for e in audit(service, "registration_changed") if e["target"] == reg["id"]]
    assert len(entries) == 1 and entries[0]["actor"] == "config-token"
    assert entries[0]["event"] == SLUG
    assert detail(entries[0])["changed"] == [
        {"field": "name", "from": "山田 太郎", "to": "山田 花子"},
        {"field": "answers.accommodation", "from": "車椅子席", "to": None}]
    assert admin(service, "PATCH", f"/api/v1/admin/events/{SLUG}/registrations/{'0' * 32}",
                 {"name": "x"}).status == 404


def test_an_organiser_resends_the_confirmation_and_the_meeting_link(service):
    email = harness.unique_email("resend")
    reg = sign_up(service, SLUG, email)
    wait_for_mail(email, subject_has="受付")
    base = f"/api/v1/admin/events/{SLUG}/registrations/{reg['id']}/resend"
    r = admin(service, "POST", base, {"mail": "confirmation"})
    assert r.status == 202 and r.json()["mail"] == "confirmation", r
    wait_for_mail(email, count=2, subject_has="受付")
    r = admin(service, "POST", base, {"mail": "meeting_link"})
    assert r.status == 202 and r.json()["mail"] == "meeting_link", r
    link = [m for m in harness.poll(lambda: [m for m in harness.maildir_messages(to=email)
                                             if "/join/" in body_text(m)] or None,
                                    what="the meeting link")]
    assert join_token(link[0])
    assert admin(service, "POST", base, {"mail": "reminder"}).status == 422
    actions = [detail(e)["mail"] for e in audit(service, "mail_resent") if e["target"] == reg["id"]]
    assert actions == ["confirmation", "meeting_link"]


def test_resend_refuses_a_mail_the_status_does_not_allow(service):
    sign_up(service, TINY, harness.unique_email("seated"))
    waiting = harness.http(service.base_url, "POST", f"/api/v1/events/{TINY}/registrations",
                           body=applicant(harness.unique_email("wl"), waitlist=True)).json()
    r = admin(service, "POST", f"/api/v1/admin/events/{TINY}/registrations/{waiting['id']}/resend",
              {"mail": "meeting_link"})
    assert r.status == 409 and r.json()["code"] == "not_confirmed", r
    assert admin(service, "POST", f"/api/v1/admin/events/{TINY}/registrations/{waiting['id']}/cancel").status == 200
    r = admin(service, "POST", f"/api/v1/admin/events/{TINY}/registrations/{waiting['id']}/resend",
              {"mail": "confirmation"})
    assert r.status == 409 and r.json()["code"] == "registration_cancelled", r


def counts(rd, slug):
    r = admin(rd, "GET", f"/api/v1/admin/events/{slug}/stats")
    assert r.status == 200, r
    return r.json()["counts"]


def test_promote_by_hand_into_a_free_seat_and_409_when_none_is_free(service):
    sign_up(service, TINY, harness.unique_email("first"))
    email = harness.unique_email("second")
    second = harness.http(service.base_url, "POST", f"/api/v1/events/{TINY}/registrations",
                          body=applicant(email, waitlist=True)).json()
    assert second["status"] == "waitlisted"
    # A seat freed without the automatic promotion (as an organiser's ledger fix would): the
    # only way to have a free seat beside a waitlist.
    harness.db_query(service.db_url, f"UPDATE events SET capacity = 2 WHERE slug = '{TINY}'")
    path = f"/api/v1/admin/events/{TINY}/registrations/{second['id']}/promote"
    r = admin(service, "POST", path)
    assert r.status == 200 and r.json()["status"] == "confirmed", r
    promoted = wait_for_mail(email, count=2)
    assert any("参加確定" in str(m["Subject"]) for m in promoted), [str(m["Subject"]) for m in promoted]
    entries = [e for e in audit(service, "registration_promoted") if e["target"] == second["id"]]
    assert len(entries) == 1
    assert admin(service, "POST", path).json()["code"] == "not_waitlisted"

    third = harness.http(service.base_url, "POST", f"/api/v1/events/{TINY}/registrations",
                         body=applicant(harness.unique_email("third"), waitlist=True)).json()
    assert third["status"] == "waitlisted"
    before = counts(service, TINY)
    audited = len(audit(service))
    r = admin(service, "POST", f"/api/v1/admin/events/{TINY}/registrations/{third['id']}/promote")
    assert r.status == 409 and r.json()["code"] == "sold_out", r
    assert counts(service, TINY) == before
    assert len(audit(service)) == audited
    rows = harness.db_query(service.db_url, "SELECT status FROM registrations WHERE public_id = "
                                            f"'{third['id']}'")
    assert rows == [("waitlisted",)]


def test_a_viewer_may_not_edit_resend_or_promote(service):
    reg = sign_up(service, SLUG, harness.unique_email("viewed"))
    r = harness.http(service.base_url, "POST", "/api/v1/admin/session",
                     body={"email": "viewer@example.jp", "password": PASSWORD})
    assert r.status == 200, r
    h = {"Cookie": r.headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": r.json()["csrf_token"]}
    base = f"/api/v1/admin/events/{SLUG}/registrations/{reg['id']}"
    for method, path, body in (("PATCH", base, {"name": "x"}),
                               ("POST", base + "/resend", {"mail": "confirmation"}),
                               ("POST", base + "/promote", None)):
        r = harness.http(service.base_url, method, path, body=body, headers=h)
        assert r.status == 403 and r.json()["code"] == "forbidden", (method, path, r)
    assert harness.db_query(service.db_url, "SELECT name FROM registrations WHERE public_id = "
                                            f"'{reg['id']}'") == [("山田 太郎",)]
