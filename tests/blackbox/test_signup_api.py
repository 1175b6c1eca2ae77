"""The sign-up rules of API.md, hit from outside through the real binary."""

from __future__ import annotations

import json

import pytest

import harness
from events import REHEARSAL_NOW, SEED_DIR, SYMPOSIUM, WEB_MEETING, applicant, small_event
from mailtools import wait_for_mail

ADMIN = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}


@pytest.fixture
def service(seeded_service):
    return seeded_service.start()


def signup(rd, slug, body, headers=None):
    return harness.http(rd.base_url, "POST", f"/api/v1/events/{slug}/registrations", body=body,
                        headers=headers)


def put_event(rd, event, headers=ADMIN):
    return harness.http(rd.base_url, "PUT", f"/api/v1/admin/events/{event['slug']}", body=event,
                        headers=headers)


def count_rows(rd, where="1=1"):
    return int(harness.db_query(rd.db_url, f"SELECT COUNT(*) FROM registrations WHERE {where}")[0][0])


def assert_problem(resp, status, code):
    assert resp.status == status, resp
    assert resp.headers["Content-Type"].startswith("application/problem+json"), resp.headers
    body = resp.json()
    assert body["code"] == code and body["status"] == status, body
    assert body["title"] and body["type"], body
    return body


# -- events

def test_seed_symposium_is_served_with_the_notice_data(service):
    r = harness.http(service.base_url, "GET", f"/api/v1/events/{SYMPOSIUM}")
    assert r.status == 200, r
    e = r.json()
    assert e["title"]["ja"] == "MID-NET®シンポジウム 2024"
    assert e["starts_at"] == "2024-02-28T14:00:00+09:00"
    assert e["ends_at"] == "2024-02-28T17:00:00+09:00"
    assert e["timezone"] == "Asia/Tokyo" and e["venue"] == "online" and e["fee"] == 0
    assert e["capacity"] == 1000
    assert e["contact"]["email"] == "wakaru-midnet@pmda.go.jp"
    reg = e["registration"]
    assert reg["opens_at"] == "2024-01-15T00:00:00+09:00"
    assert reg["closes_at"] == "2024-02-22T00:00:00+09:00"
    assert reg["state"] == "open" and reg["seats_remaining"] == 1000
    assert "meeting" not in e and "example.jp/j/" not in r.text  # the join URL is mail-only

    listing = harness.http(service.base_url, "GET", "/api/v1/events").json()
    assert {SYMPOSIUM, WEB_MEETING} <= {x["slug"] for x in listing["events"]}


def test_unknown_event_and_path_are_404_problems(service):
    assert_problem(harness.http(service.base_url, "GET", "/api/v1/events/nope"), 404, "not_found")
    assert_problem(signup(service, "nope", applicant("a@example.jp")), 404, "not_found")
    assert_problem(harness.http(service.base_url, "GET", "/no/such/path"), 404, "not_found")


# -- sign-up

def test_signup_is_confirmed_with_normalised_address(service):
    r = signup(service, SYMPOSIUM, applicant("　ＴＡＲＯ＠ｅｘａｍｐｌｅ．ｊｐ "),
               headers={"X-Request-Id": "req-123"})
    assert r.status == 201, r
    body = r.json()
    assert body["status"] == "confirmed" and body["number"] == 1
    assert body["email"] == "TARO@example.jp"
    assert body["event"] == SYMPOSIUM
    assert len(body["id"]) == 32 and int(body["id"], 16) >= 0
    assert body["registered_at"].startswith("2024-01-15T10:") and body["registered_at"].endswith("+09:00")
    assert r.headers["Location"].endswith(body["id"])
    assert r.headers["X-Request-Id"] == "req-123"
    assert "token" not in r.text and "meeting" not in r.text
    rows = harness.db_query(service.db_url, "SELECT email_key, status, number FROM registrations")
    assert rows == [("taro@example.jp", "confirmed", "1")]


def test_same_address_in_other_case_is_already_registered(service):
    assert signup(service, SYMPOSIUM, applicant("taro@example.jp")).status == 201
    for again in ("Taro@Example.JP", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", " taro@example.jp "):
        assert_problem(signup(service, SYMPOSIUM, applicant(again)), 409, "already_registered")
    assert count_rows(service) == 1


def test_every_bad_field_is_reported_at_once_and_nothing_is_stored(service):
    bad = applicant("not-an-address", name="", name_kana=None, category="pharma",
                    consent_privacy=False, phone="電話", locale="fr")
    r = signup(service, SYMPOSIUM, bad, headers={"Accept-Language": "en"})
    body = assert_problem(r, 422, "validation_failed")
    got = {(e["field"], e["code"]) for e in body["errors"]}
    assert got == {("name", "required"), ("name_kana", "required"), ("email", "invalid"),
                   ("category", "invalid"), ("consent_privacy", "must_accept"),
                   ("phone", "invalid"), ("locale", "invalid")}
    assert all(e["message"] for e in body["errors"])
    assert body["title"] == "Please check the highlighted fields."
    assert count_rows(service) == 0


@pytest.mark.parametrize("field", ["name", "organization", "department", "email", "name_kana"])
@pytest.mark.parametrize("evil", ["\r\nBcc: victim@example.jp", "a\nb", "tab\there", "nul\x00"])
def test_control_characters_are_refused_in_any_field(service, field, evil):
    body = applicant("ok@example.jp")
    body[field] = (body[field] if field != "email" else "x@example.jp") + evil
    r = signup(service, SYMPOSIUM, body)
    errors = assert_problem(r, 422, "validation_failed")["errors"]
    assert {"field": field, "code": "control_characters"} in [
        {"field": e["field"], "code": e["code"]} for e in errors]
    assert count_rows(service) == 0


def test_over_long_fields_are_refused(service):
    r = signup(service, SYMPOSIUM, applicant("long@example.jp", name="山" * 101,
                                             organization="x" * 201, question="q" * 2001))
    got = {(e["field"], e["code"]) for e in assert_problem(r, 422, "validation_failed")["errors"]}
    assert got == {("name", "too_long"), ("organization", "too_long"), ("question", "too_long")}
    assert signup(service, SYMPOSIUM, applicant("exact@example.jp", name="山" * 100)).status == 201


def test_wrong_types_are_validation_errors(service):
    r = signup(service, SYMPOSIUM, applicant("t@example.jp", name=42, consent_privacy="yes"))
    got = {(e["field"], e["code"]) for e in assert_problem(r, 422, "validation_failed")["errors"]}
    assert got == {("name", "invalid_type"), ("consent_privacy", "invalid_type")}


def test_body_errors_400_413_415(service):
    path = f"/api/v1/events/{SYMPOSIUM}/registrations"
    json_hdr = {"Content-Type": "application/json"}
    assert_problem(harness.http(service.base_url, "POST", path, raw_body="{not json", headers=json_hdr),
                   400, "malformed_json")
    assert_problem(harness.http(service.base_url, "POST", path, raw_body=b'{"name": "\xff\xfe"}',
                                headers=json_hdr), 400, "malformed_json")
    assert_problem(harness.http(service.base_url, "POST", path, raw_body="[1, 2]", headers=json_hdr),
                   400, "malformed_json")
    assert_problem(harness.http(service.base_url, "POST", path,
                                raw_body=json.dumps(applicant("m@example.jp")),
                                headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type")
    big = applicant("big@example.jp", question="x" * (17 * 1024))
    assert_problem(signup(service, SYMPOSIUM, big), 413, "payload_too_large")
    assert count_rows(service) == 0
    # The service is still fine afterwards.
    assert signup(service, SYMPOSIUM, applicant("after@example.jp")).status == 201


def test_numbers_are_sequential_per_event(service):
    numbers = [signup(service, SYMPOSIUM, applicant(f"n{i}@example.jp")).json()["number"]
               for i in range(5)]
    assert numbers == [1, 2, 3, 4, 5]
    other = signup(service, WEB_MEETING, applicant("n0@example.jp"))
    assert other.status == 409  # the web meeting's window opens 2024-02-01
    assert_problem(other, 409, "registration_not_open")


def test_sold_out_then_waitlist_then_nothing(service):
    assert put_event(service, small_event("tiny", capacity=2, waitlist=1)).status == 201
    for i in range(2):
        assert signup(service, "tiny", applicant(f"s{i}@example.jp")).json()["status"] == "confirmed"
    full = assert_problem(signup(service, "tiny", applicant("late@example.jp")), 409, "sold_out")
    assert full["waitlist_available"] is True
    w = signup(service, "tiny", applicant("late@example.jp", waitlist=True))
    assert w.status == 201, w
    assert w.json()["status"] == "waitlisted" and w.json()["waitlist_position"] == 1
    assert w.json()["number"] == 3
    none_left = assert_problem(signup(service, "tiny", applicant("later@example.jp", waitlist=True)),
                               409, "sold_out")
    assert none_left["waitlist_available"] is False
    state = harness.http(service.base_url, "GET", "/api/v1/events/tiny").json()["registration"]
    assert state["state"] == "full" and state["seats_remaining"] == 0
    assert harness.db_query(service.db_url,
                            "SELECT confirmed_count, waitlisted_count FROM events WHERE slug='tiny'") == [("2", "1")]


def test_a_full_event_answers_sold_out_before_checking_the_form(service):
    """At the rush most sign-ups ask for seats that are gone: once the service knows the event
    is full, it says so without checking every field. Not to someone registered (their own
    retry), nor with an Idempotency-Key, nor on a members-only event."""
    assert put_event(service, small_event("full-fast", capacity=1)).status == 201
    assert signup(service, "full-fast", applicant("first@example.jp")).status == 201
    incomplete = {"email": "hurry@example.jp", "locale": "ja"}

    def answered_from_memory():
        # A complete sign-up learns (again) that the event is full; the memory lasts 250 ms.
        assert_problem(signup(service, "full-fast", applicant(harness.unique_email("late"))),
                       409, "sold_out")
        r = signup(service, "full-fast", incomplete)
        return r if r.status == 409 else None

    assert_problem(harness.poll(answered_from_memory, what="sold_out for an incomplete form"),
                   409, "sold_out")
    # The one who has the seat, retrying with a broken form, is told what is wrong with it.
    assert_problem(signup(service, "full-fast", {"email": "first@example.jp", "locale": "ja"}),
                   422, "validation_failed")
    assert_problem(signup(service, "full-fast", incomplete, headers={"Idempotency-Key": "k-1"}),
                   422, "validation_failed")
    assert count_rows(service) == 1

    members = small_event("full-members", capacity=1, eligibility={"email_domains": ["member.co.jp"]})
    assert put_event(service, members).status == 201
    assert signup(service, "full-members", applicant("a@member.co.jp")).status == 201
    for _ in range(3):  # never sold_out to an outsider, memory or not
        assert_problem(signup(service, "full-members", applicant("b@member.co.jp")), 409, "sold_out")
        assert_problem(signup(service, "full-members", {"email": "x@outsider.jp"}), 422,
                       "validation_failed")
        assert_problem(signup(service, "full-members", applicant("x@outsider.jp")), 403,
                       "not_eligible")


def test_idempotency_key_replays_the_first_answer(service):
    key = {"Idempotency-Key": "form-fill-7f3a"}
    first = signup(service, SYMPOSIUM, applicant("idem@example.jp"), headers=key)
    again = signup(service, SYMPOSIUM, applicant("idem@example.jp"), headers=key)
    assert first.status == again.status == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = signup(service, SYMPOSIUM, applicant("idem@example.jp", name="別人"), headers=key)
    assert_problem(other, 422, "idempotency_conflict")
    assert count_rows(service) == 1


def test_a_retry_after_the_window_closed_still_gets_its_first_answer(db_url, regdesk_factory):
    # A client whose 201 was lost retries after the close: API.md promises the first answer.
    key = {"Idempotency-Key": "late-retry-0b7e"}
    body = applicant("late-retry@example.jp")
    before = regdesk_factory(db_url, env={"REGDESK_NOW": "2024-02-21T23:59:58+09:00"})
    before.check("migrate")
    before.check("events", "import", str(SEED_DIR / f"{SYMPOSIUM}.json"))
    first = signup(before.start(), SYMPOSIUM, body, headers=key)
    assert first.status == 201, first
    before.stop()
    after = regdesk_factory(db_url, env={"REGDESK_NOW": "2024-02-22T00:00:05+09:00"}).start()
    again = signup(after, SYMPOSIUM, body, headers=key)
    assert again.status == 201, again
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert_problem(signup(after, SYMPOSIUM, applicant("late-retry@example.jp", name="別人"), headers=key),
                   422, "idempotency_conflict")
    assert_problem(signup(after, SYMPOSIUM, body, headers={"Idempotency-Key": "another-key"}),
                   409, "registration_closed")
    assert_problem(signup(after, SYMPOSIUM, applicant("new@example.jp")), 409, "registration_closed")
    assert count_rows(after) == 1


def test_restricted_event_refuses_other_domains_before_any_seat(service):
    event = small_event("nda-briefing", capacity=5,
                        eligibility={"email_domains": ["member.co.jp"]})
    assert put_event(service, event).status == 201
    assert_problem(signup(service, "nda-briefing", applicant("x@outsider.jp")), 403, "not_eligible")
    assert_problem(signup(service, "nda-briefing", applicant("x@evilmember.co.jp")), 403, "not_eligible")
    assert signup(service, "nda-briefing", applicant("x@rd.member.co.jp")).status == 201
    assert signup(service, "nda-briefing", applicant("y@MEMBER.co.jp")).status == 201
    assert count_rows(service) == 2


@pytest.mark.parametrize("now,code", [("2024-01-14T23:59:00+09:00", "registration_not_open"),
                                      ("2024-02-22T00:00:00+09:00", "registration_closed")])
def test_window_outside_is_refused(db_url, regdesk_factory, now, code):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": now})
    rd.check("migrate")
    rd.check("events", "import", str(SEED_DIR / f"{SYMPOSIUM}.json"))
    rd.start()
    assert_problem(signup(rd, SYMPOSIUM, applicant("w@example.jp")), 409, code)
    state = harness.http(rd.base_url, "GET", f"/api/v1/events/{SYMPOSIUM}").json()["registration"]
    assert state["state"] == ("not_open" if code == "registration_not_open" else "closed")


def test_last_evening_of_the_window_is_open(db_url, regdesk_factory):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": "2024-02-21T23:59:30+09:00"})
    rd.check("migrate")
    rd.check("events", "import", str(SEED_DIR / f"{SYMPOSIUM}.json"))
    rd.start()
    assert signup(rd, SYMPOSIUM, applicant("lastminute@example.jp")).status == 201


# -- admin

def test_admin_put_needs_a_valid_bearer_token(service):
    event = small_event("guarded", capacity=3)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": harness.ADMIN_TOKEN}):
        r = put_event(service, event, headers=headers)
        assert_problem(r, 401, "unauthorized")
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert put_event(service, event).status == 201
    assert put_event(service, event).status == 200


def test_admin_put_reports_bad_keys_by_path(service):
    event = small_event("broken", capacity=3)
    event["registration"]["open_at"] = "2024-01-01T00:00:00+09:00"
    event["capacity"] = "ten"
    body = assert_problem(put_event(service, event), 422, "validation_failed")
    fields = {e["field"] for e in body["errors"]}
    assert {"registration.open_at", "capacity"} <= fields
    assert harness.http(service.base_url, "GET", "/api/v1/events/broken").status == 404


def test_capacity_cannot_shrink_below_confirmed_and_growth_promotes(service):
    event = small_event("elastic", capacity=1, waitlist=3)
    assert put_event(service, event).status == 201
    assert signup(service, "elastic", applicant("a@example.jp")).json()["status"] == "confirmed"
    assert signup(service, "elastic", applicant("b@example.jp", waitlist=True)).json()["status"] == "waitlisted"
    assert signup(service, "elastic", applicant("c@example.jp", waitlist=True)).json()["status"] == "waitlisted"
    assert_problem(put_event(service, dict(event, capacity=0)), 409, "capacity_below_confirmed")
    grown = put_event(service, dict(event, capacity=2))
    assert grown.status == 200 and grown.json()["promoted"] == 1
    rows = harness.db_query(service.db_url,
                            "SELECT email_key, status FROM registrations ORDER BY number")
    assert rows == [("a@example.jp", "confirmed"), ("b@example.jp", "confirmed"),
                    ("c@example.jp", "waitlisted")]
    assert harness.db_query(service.db_url,
                            "SELECT confirmed_count, waitlisted_count FROM events WHERE slug='elastic'") == [("2", "1")]


# -- operations

def test_health_readiness_and_metrics(service):
    assert harness.http(service.base_url, "GET", "/healthz").status == 200
    ready = harness.http(service.base_url, "GET", "/readyz")
    assert ready.status == 200 and ready.json()["status"] == "ready"
    signup(service, SYMPOSIUM, applicant("metrics@example.jp"))
    signup(service, SYMPOSIUM, applicant("metrics@example.jp"))
    text = harness.http(service.base_url, "GET", "/metrics").text
    assert 'regdesk_signups_total{outcome="confirmed"} 1' in text
    assert 'regdesk_signups_total{outcome="already_registered"} 1' in text
    assert 'regdesk_http_request_duration_seconds_bucket{route="signup",le="+Inf"} 2' in text


def test_migrate_is_idempotent_and_serve_refuses_an_old_schema(db_url, regdesk_factory):
    rd = regdesk_factory(db_url)
    unmigrated = rd.run("serve")
    assert unmigrated.returncode == 1 and "regdesk migrate" in unmigrated.stderr
    first = rd.check("migrate")
    second = rd.check("migrate")
    assert "applied 001_core" in first.stdout
    assert "applied" not in second.stdout


def test_unknown_config_key_stops_the_start(db_url, regdesk_factory, tmp_path):
    cfg = tmp_path / "regdesk.json"
    cfg.write_text(json.dumps({"http": {"thread": 2}}))
    rd = regdesk_factory(db_url)
    r = rd.run("--config", str(cfg), "serve")
    assert r.returncode == 2 and "http.thread" in r.stderr
    cfg.write_text(json.dumps({"http": {"threads": "two"}}))
    r = rd.run("--config", str(cfg), "serve")
    assert r.returncode == 2 and "http.threads" in r.stderr
    r = rd.run("serve", env={"REGDESK_RATE_LIMIT": "lots"})
    assert r.returncode == 2 and "REGDESK_RATE_LIMIT" in r.stderr
    # A mail claim too short for two sends at the SMTP timeout could never send anything.
    cfg.write_text(json.dumps({"smtp": {"timeout_seconds": 30}, "mail": {"lease_seconds": 60}}))
    r = rd.run("--config", str(cfg), "serve")
    assert r.returncode == 2 and "mail.lease_seconds" in r.stderr and "62" in r.stderr


def test_a_filled_honeypot_is_refused_and_counted(service):
    r = signup(service, SYMPOSIUM, applicant("bot@example.jp", website="http://spam.example"))
    errors = assert_problem(r, 422, "validation_failed")["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("website", "must_be_empty")]
    assert count_rows(service) == 0
    assert 'regdesk_signups_total{outcome="honeypot"} 1' in harness.http(service.base_url, "GET", "/metrics").text


def test_rate_limit_answers_429_with_retry_after_per_client(db_url, regdesk_factory, tmp_path):
    # Two sign-ups a minute per client; the proxy at 127.0.0.1 is trusted for X-Forwarded-For.
    cfg = tmp_path / "regdesk.json"
    cfg.write_text(json.dumps({"http": {"trusted_proxies": ["127.0.0.1"]}}))
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW, "REGDESK_RATE_LIMIT": "2"},
                         args=("--config", str(cfg), "serve"))
    rd.check("migrate")
    rd.check("events", "import", str(SEED_DIR / f"{SYMPOSIUM}.json"))
    rd.start()
    office = {"X-Forwarded-For": "203.0.113.7"}
    assert signup(rd, SYMPOSIUM, applicant("r1@example.jp"), headers=office).status == 201
    assert signup(rd, SYMPOSIUM, applicant("r2@example.jp"), headers=office).status == 201
    limited = signup(rd, SYMPOSIUM, applicant("r3@example.jp"), headers=office)
    assert_problem(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1
    # Another client behind the same proxy has its own allowance.
    assert signup(rd, SYMPOSIUM, applicant("r4@example.jp"), headers={"X-Forwarded-For": "198.51.100.9"}).status == 201
    assert count_rows(rd) == 3


def test_forwarded_for_is_ignored_from_untrusted_peers(db_url, regdesk_factory):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW, "REGDESK_RATE_LIMIT": "1"})
    rd.check("migrate")
    rd.check("events", "import", str(SEED_DIR / f"{SYMPOSIUM}.json"))
    rd.start()  # no trusted proxies: a client cannot pick its own address
    assert signup(rd, SYMPOSIUM, applicant("s1@example.jp"), headers={"X-Forwarded-For": "192.0.2.1"}).status == 201
    again = signup(rd, SYMPOSIUM, applicant("s2@example.jp"), headers={"X-Forwarded-For": "192.0.2.2"})
    assert_problem(again, 429, "rate_limited")


def test_names_that_would_read_differently_from_what_is_stored_are_refused(service):
    # U+202E turns "山田" + RLO + "txt.exe" around on screen (Trojan Source); U+200B hides.
    for field, value in (("name", "山田\u202Eexe.txt"), ("organization", "テスト\u200B製薬"),
                         ("name_kana", "やまだ\uE000")):
        r = signup(service, SYMPOSIUM, applicant(harness.unique_email("bidi"), **{field: value}))
        assert r.status == 422, r
        [error] = r.json()["errors"]
        assert (error["field"], error["code"]) == (field, "invisible_characters")
        assert "見えない書式用の文字" in error["message"]
    rows = harness.db_query(service.db_url, "SELECT COUNT(*) FROM registrations")
    assert rows == [("0",)]


def test_an_internationalised_domain_is_accepted_and_mailed_as_punycode(service):
    local = harness.unique_email("idn").split("@")[0]
    r = signup(service, SYMPOSIUM, applicant(f"{local}@例え.jp", name_kana="ﾔﾏﾀﾞ ﾀﾛｳ"))
    assert r.status == 201, r
    assert r.json()["email"] == f"{local}@xn--r8jz45g.jp"
    [mail] = wait_for_mail(f"{local}@xn--r8jz45g.jp")
    assert "受付完了" in str(mail["Subject"])
    # The same address typed again, in Unicode or punycode, is one registration.
    again = signup(service, SYMPOSIUM, applicant(f"{local}@xn--r8jz45g.jp"))
    assert again.status == 409 and again.json()["code"] == "already_registered"
    kana = harness.db_query(service.db_url, "SELECT name_kana FROM registrations")
    assert kana == [("ヤマダ タロウ",)]
