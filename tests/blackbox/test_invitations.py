"""Invitations, from outside: a briefing only for the corporations that signed the NDA. Codes
per organisation with use limits and expiry; a sign-up without one, or with an unknown one, is
refused 403 invitation_required; one used up or expired 409 invitation_used_up; the limit is
exact with two processes racing; a cancellation gives the use back; an imported list (CSV, also
CP932) mails each person a link that only they can use; exports say which invitation each
registration used."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import re

import pytest

import harness
from events import REHEARSAL_NOW, applicant, small_event
from mailtools import body_text, cancel_token, wait_for_mail

ADMIN = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}
SLUG = "nda-briefing"
BASE = f"/api/v1/admin/events/{SLUG}/invitations"


def briefing(capacity: int = 50) -> dict:
    e = small_event(SLUG, capacity=capacity)
    e["eligibility"] = {"invitation_required": True}
    return e


@pytest.fixture
def service(db_url, regdesk_factory):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW})
    rd.check("migrate")
    rd.start()
    r = rd.http("PUT", f"/api/v1/admin/events/{SLUG}", headers=ADMIN, body=briefing())
    assert r.status == 201, r
    return rd


def invite(rd, organization="テスト製薬株式会社", **extra):
    r = rd.http("POST", BASE, headers=ADMIN, body={"organization": organization, **extra})
    assert r.status == 201, r
    return r.json()


def sign_up(rd, who, code=None, **overrides):
    body = applicant(who, **overrides)
    if code is not None:
        body["invitation"] = code
    return rd.http("POST", f"/api/v1/events/{SLUG}/registrations", body=body)


def count_rows(db_url) -> int:
    return int(harness.db_query(db_url, "SELECT COUNT(*) FROM registrations")[0][0])


def test_the_event_says_it_is_by_invitation(service):
    event = service.http("GET", f"/api/v1/events/{SLUG}").json()
    assert event["invitation_required"] is True and event["restricted"] is True
    doc = service.http("GET", f"/api/v1/admin/events/{SLUG}", headers=ADMIN).json()
    assert doc["eligibility"] == {"invitation_required": True}


def test_without_a_valid_invitation_nobody_signs_up(service, db_url):
    for code in (None, "", "NOSUCHCODE12", "not a code!", "あいう"):
        r = sign_up(service, harness.unique_email("x"), code)
        assert r.status == 403 and r.json()["code"] == "invitation_required", (code, r)
        assert "招待制" in r.json()["title"]
    assert count_rows(db_url) == 0


def test_an_organisations_code_with_a_limit_records_who_used_it(service, db_url):
    inv = invite(service, max_uses=2)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", inv["code"]), inv
    assert inv["url"] == f"{harness.PUBLIC_URL}/events/{SLUG}?invitation={inv['code']}"
    assert inv["max_uses"] == 2 and inv["uses"] == 0 and inv["personal"] is False

    first = sign_up(service, harness.unique_email("a"), inv["code"])
    assert first.status == 201 and first.json()["status"] == "confirmed", first
    # Typed by hand: lower case, hyphens, full-width: the same code.
    typed = "－".join([inv["code"][:4], inv["code"][4:8].lower(), inv["code"][8:]])
    typed = typed.translate(str.maketrans("0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz",
                                          "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＭＮＰＱＲＳＴＶＷＸＹＺａｂｃｄｅｆｇｈｊｋｍｎｐｑｒｓｔｖｗｘｙｚ"))
    second = sign_up(service, harness.unique_email("b"), typed)
    assert second.status == 201, second
    third = sign_up(service, harness.unique_email("c"), inv["code"])
    assert third.status == 409 and third.json()["code"] == "invitation_used_up", third
    assert count_rows(db_url) == 2

    listed = service.http("GET", BASE, headers=ADMIN).json()["invitations"]
    assert [(i["code"], i["uses"], i["registrations"]) for i in listed] == [(inv["code"], 2, 2)]

    # Cancelling gives the use back: a colleague may come instead.
    token = cancel_token(wait_for_mail(first.json()["email"], subject_has="受付完了")[0])
    assert service.http("POST", "/api/v1/registrations/cancel", body={"token": token}).status == 200
    assert sign_up(service, harness.unique_email("d"), inv["code"]).status == 201

    rows = service.http("GET", f"/api/v1/admin/events/{SLUG}/registrations?format=csv&encoding=cp932",
                        headers=ADMIN).body.decode("cp932")
    table = list(csv.DictReader(io.StringIO(rows)))
    assert {r["招待（所属）"] for r in table} == {"テスト製薬株式会社"}
    assert {r["招待コード"] for r in table} == {inv["code"]}
    js = service.http("GET", f"/api/v1/admin/events/{SLUG}/registrations", headers=ADMIN).json()
    assert all(r["invitation"] == {"code": inv["code"], "organization": "テスト製薬株式会社"}
               for r in js["registrations"])


def test_an_expired_invitation_is_used_up(service):
    inv = invite(service, expires_at="2024-01-15T09:00:00+09:00")  # an hour before "now"
    r = sign_up(service, harness.unique_email("late"), inv["code"])
    assert r.status == 409 and r.json()["code"] == "invitation_used_up", r
    fresh = invite(service, expires_at="2024-01-16T00:00:00+09:00")
    assert sign_up(service, harness.unique_email("ontime"), fresh["code"]).status == 201


def test_two_processes_racing_never_pass_the_limit(service, db_url, regdesk_factory):
    other = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW}).start()
    inv = invite(service, max_uses=3)

    def go(i):
        return sign_up(service if i % 2 else other, harness.unique_email(f"race{i}"), inv["code"]).status

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(go, range(24)))
    assert statuses.count(201) == 3 and statuses.count(409) == 21, statuses
    assert harness.db_query(db_url, "SELECT uses FROM invitations") == [("3",)]
    assert count_rows(db_url) == 3


def test_an_imported_list_mails_each_a_link_only_they_can_use(service, db_url):
    hanako, jiro = harness.unique_email("hanako"), harness.unique_email("jiro")
    listing = ("メールアドレス,氏名,所属\r\n"
               f"{hanako},鈴木 花子,サンプル薬品株式会社\r\n"
               f"{jiro.upper()},佐藤 次郎,\r\n"
               "not-an-address,誰か,\r\n"
               f"{hanako},鈴木 花子（重複）,\r\n")
    r = service.http("POST", f"{BASE}/import", headers={**ADMIN, "Content-Type": "text/csv"},
                     raw_body=listing.encode("cp932"))
    assert r.status == 200, r
    assert r.json()["invited"] == 2 and r.json()["already_invited"] == []
    assert [(x["line"], x["reason"]) for x in r.json()["skipped"]] == [(4, "invalid_email"), (5, "duplicate")]

    mail = wait_for_mail(hanako, subject_has="ご招待")[0]
    text = body_text(mail)
    assert "サンプル薬品株式会社" in text and "鈴木 花子 様" in text and "専用" in text
    link = re.search(rf"{re.escape(harness.PUBLIC_URL)}/events/{SLUG}\?invitation=([0-9A-Z]+)", text)
    assert link, text
    code = link.group(1)
    wait_for_mail(jiro, subject_has="ご招待")

    # Someone else with Hanako's link is refused; Hanako signs up, once.
    assert sign_up(service, harness.unique_email("forwarded"), code).status == 403
    assert sign_up(service, hanako, code).status == 201
    assert sign_up(service, hanako, code).status == 409  # already registered
    listed = {i["email"]: i for i in service.http("GET", BASE, headers=ADMIN).json()["invitations"]}
    assert listed[hanako]["personal"] is True and listed[hanako]["uses"] == 1
    assert listed[hanako]["name"] == "鈴木 花子"

    # Importing the list again mails nobody twice.
    again = service.http("POST", f"{BASE}/import", headers={**ADMIN, "Content-Type": "text/csv"},
                         raw_body=listing.encode("utf-8"))
    assert again.json()["invited"] == 0 and sorted(again.json()["already_invited"]) == sorted([hanako, jiro.upper()])
    outbox = harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE kind = 'invitation'")
    assert outbox == [("2",)]
    # The organiser's mail log shows them.
    mails = service.http("GET", f"/api/v1/admin/events/{SLUG}/mail", headers=ADMIN).json()["mail"]
    assert {m["email"] for m in mails if m["kind"] == "invitation"} == {hanako, jiro.upper()}


def test_an_open_event_ignores_a_code_that_does_not_apply(db_url, regdesk_factory):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW})
    rd.check("migrate")
    rd.start()
    rd.http("PUT", "/api/v1/admin/events/open-day", headers=ADMIN, body=small_event("open-day", capacity=5))
    r = rd.http("POST", "/api/v1/events/open-day/registrations",
                body={**applicant(harness.unique_email("o")), "invitation": "WHATEVER1234"})
    assert r.status == 201, r


def test_bad_requests_change_nothing(service, db_url):
    cases = [
        ({}, "organization"), ({"organization": ""}, "organization"),
        ({"organization": "x" * 201}, "organization"), ({"organization": "A社", "max_uses": 0}, "max_uses"),
        ({"organization": "A社", "max_uses": "3"}, "max_uses"),
        ({"organization": "A社", "expires_at": "tomorrow"}, "expires_at"),
    ]
    for body, field in cases:
        r = service.http("POST", BASE, headers=ADMIN, body=body)
        assert r.status == 422 and field in {e["field"] for e in r.json()["errors"]}, (body, r)
    r = service.http("POST", f"{BASE}/import", headers={**ADMIN, "Content-Type": "application/json"}, body={})
    assert r.status == 415
    r = service.http("POST", f"{BASE}/import", headers={**ADMIN, "Content-Type": "text/csv"}, raw_body=b"")
    assert r.status == 422
    assert service.http("POST", "/api/v1/admin/events/nope/invitations", headers=ADMIN,
                        body={"organization": "A社"}).status == 404
    assert harness.db_query(db_url, "SELECT COUNT(*) FROM invitations") == [("0",)]
