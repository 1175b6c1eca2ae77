"""Approval, from outside: an event with `registration.approval: required` takes sign-ups as
pending (201, a number, no seat, mail "under review"); organisers approve (a seat, then the
waitlist, then 409 sold_out with nothing changed) or decline (mailed with the event's message and
their own), one by one and in bulk; two processes approving at once never pass the cap; every
decision is in the audit trail; a retry answers "already"."""

from __future__ import annotations

import concurrent.futures
import csv
import io

import pytest

import harness
from events import REHEARSAL_NOW, applicant, small_event
from mailtools import body_text, cancel_token, wait_for_mail

ADMIN = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}
SLUG = "briefing-review"
DECLINE_MESSAGE = {"ja": "本説明会は秘密保持契約を締結した法人の方が対象です。",
                   "en": "This briefing is for corporations that signed the NDA."}


def approval_event(capacity: int, waitlist: int = 0, **overrides) -> dict:
    e = small_event(SLUG, capacity=capacity, waitlist=waitlist, **overrides)
    e["registration"].update(approval="required", decline_message=DECLINE_MESSAGE)
    return e


@pytest.fixture
def start(db_url, regdesk_factory):
    def start(capacity: int, waitlist: int = 0):
        rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW})
        rd.check("migrate")
        rd.start()
        r = rd.http("PUT", f"/api/v1/admin/events/{SLUG}", headers=ADMIN,
                    body=approval_event(capacity, waitlist))
        assert r.status == 201, r
        return rd
    return start


def sign_up(rd, who: str, **overrides):
    return rd.http("POST", f"/api/v1/events/{SLUG}/registrations", body=applicant(who, **overrides))


def pending(rd, n: int, prefix: str) -> list[tuple[str, str]]:
    """N pending sign-ups: (address, registration id) in arrival order."""
    out = []
    for i in range(n):
        who = harness.unique_email(f"{prefix}{i}")
        r = sign_up(rd, who, wants_waitlist=True)
        assert r.status == 201 and r.json()["status"] == "pending", r
        out.append((who, r.json()["id"]))
    return out


def decide(rd, rid: str, verdict: str, body=None):
    return rd.http("POST", f"/api/v1/admin/events/{SLUG}/registrations/{rid}/{verdict}",
                   headers=ADMIN, body=body)


def ledger(db_url) -> tuple[int, int]:
    row = harness.db_query(db_url, f"SELECT confirmed_count, waitlisted_count FROM events WHERE slug='{SLUG}'")
    return int(row[0][0]), int(row[0][1])


def statuses(db_url) -> dict[str, str]:
    return dict(harness.db_query(db_url, "SELECT public_id, status FROM registrations"))


def test_the_event_says_approval_is_required(start):
    rd = start(capacity=3)
    assert rd.http("GET", f"/api/v1/events/{SLUG}").json()["registration"]["approval"] == "required"
    doc = rd.http("GET", f"/api/v1/admin/events/{SLUG}", headers=ADMIN).json()
    assert doc["registration"]["approval"] == "required"
    assert doc["registration"]["decline_message"] == DECLINE_MESSAGE


def test_a_sign_up_is_pending_holds_no_seat_and_is_told_it_is_under_review(start, db_url):
    rd = start(capacity=1)
    who = harness.unique_email("p")
    r = sign_up(rd, who)
    assert r.status == 201, r
    assert r.json()["status"] == "pending" and r.json()["number"] == 1
    assert ledger(db_url) == (0, 0)
    # More people than seats may ask: the organiser chooses.
    assert sign_up(rd, harness.unique_email("p2")).json()["status"] == "pending"
    assert sign_up(rd, who).status == 409  # already registered, as anywhere
    mail = wait_for_mail(who, subject_has="審査中")[0]
    text = body_text(mail)
    assert "主催者による確認の後に参加が確定します" in text and "参加は確定していません" in text
    assert "event.ics" not in {p.get_filename() for p in mail.walk()}  # no calendar before a seat
    token = cancel_token(mail)
    me = rd.http("GET", f"/api/v1/registrations/self?token={token}").json()
    assert me["status"] == "pending"
    stats = rd.http("GET", f"/api/v1/admin/events/{SLUG}/stats", headers=ADMIN).json()
    assert stats["counts"]["pending"] == 2 and stats["counts"]["confirmed"] == 0


def test_approve_gives_a_seat_then_the_waitlist_then_409_with_nothing_changed(start, db_url):
    rd = start(capacity=1, waitlist=1)
    (a, ra), (b, rb), (c, rc) = pending(rd, 3, "ap")

    r = decide(rd, ra, "approve")
    assert r.status == 200, r
    assert r.json() == {"id": ra, "outcome": "decided", "number": 1, "status": "confirmed", "already": False}
    mail = wait_for_mail(a, subject_has="受付完了")[0]
    assert "event.ics" in {p.get_filename() for p in mail.walk()}

    r = decide(rd, rb, "approve")
    assert r.json()["status"] == "waitlisted" and r.json()["waitlist_position"] == 1, r
    wait_for_mail(b, subject_has="キャンセル待ち")

    before = statuses(db_url)
    r = decide(rd, rc, "approve")
    assert r.status == 409 and r.json()["code"] == "sold_out", r
    assert r.json()["waitlist_available"] is False
    assert statuses(db_url) == before and ledger(db_url) == (1, 1)

    # A retry of a decision made (the answer to the COMMIT lost, two organisers at once).
    again = decide(rd, ra, "approve")
    assert again.status == 200 and again.json()["already"] is True and again.json()["status"] == "confirmed"
    assert ledger(db_url) == (1, 1)
    assert len(harness.db_query(db_url, f"SELECT id FROM outbox WHERE registration_public_id='{ra}'"
                                        " AND kind='confirmation'")) == 1

    # The confirmed person cancels: the approved waitlisted person moves up, as anywhere.
    r = rd.http("POST", "/api/v1/registrations/cancel", body={"token": cancel_token(mail)})
    assert r.status == 200, r
    assert statuses(db_url)[rb] == "confirmed" and ledger(db_url) == (1, 0)
    # ... and the one still pending is not moved by that: it waits for the organiser.
    assert statuses(db_url)[rc] == "pending"


def test_decline_mails_the_event_message_and_the_organisers_own_and_frees_the_address(start, db_url):
    rd = start(capacity=5)
    (a, ra), (b, rb) = pending(rd, 2, "dc")
    r = decide(rd, ra, "decline", body={"message": {"ja": "次回の説明会をご案内します。", "en": "We will invite you next time."}})
    assert r.status == 200 and r.json()["status"] == "declined", r
    text = body_text(wait_for_mail(a, subject_has="お申込みについて")[0])
    assert DECLINE_MESSAGE["ja"] in text and "次回の説明会をご案内します。" in text
    assert "今回はご参加いただけないこととなりました" in text

    r = decide(rd, rb, "decline", body=None)  # no body: the event's message alone
    assert r.status == 200, r
    text = body_text(wait_for_mail(b, subject_has="お申込みについて")[0])
    assert DECLINE_MESSAGE["ja"] in text and "次回" not in text
    assert ledger(db_url) == (0, 0)

    assert decide(rd, ra, "decline").json()["already"] is True
    r = decide(rd, ra, "approve")
    assert r.status == 409 and r.json()["code"] == "not_pending" and r.json()["status"] == "declined"
    # The address may apply again (and waits for review again).
    assert sign_up(rd, a).json()["status"] == "pending"


def test_english_mails(start):
    rd = start(capacity=2)
    who = harness.unique_email("en")
    rid = sign_up(rd, who, locale="en").json()["id"]
    assert "under review" in wait_for_mail(who)[0]["Subject"]
    decide(rd, rid, "decline", body={"message": {"en": "Please ask your company's contact person."}})
    text = body_text(wait_for_mail(who, subject_has="About your registration")[0])
    assert DECLINE_MESSAGE["en"] in text and "Please ask your company's contact person." in text


def test_bulk_approve_fills_the_seats_in_number_order_and_reports_each(start, db_url):
    rd = start(capacity=3)
    people = pending(rd, 5, "bulk")
    ids = [rid for _, rid in people]
    # Asked in reverse: the earlier applicants still get the seats.
    r = rd.http("POST", f"/api/v1/admin/events/{SLUG}/registrations/approve", headers=ADMIN,
                body={"ids": list(reversed(ids)) + ["0" * 32, ids[0]]})
    assert r.status == 200, r
    results = {x["id"]: x for x in r.json()["results"]}
    assert [x["id"] for x in r.json()["results"]] == list(reversed(ids)) + ["0" * 32]  # once each
    assert [results[i]["outcome"] for i in ids] == ["decided"] * 3 + ["sold_out"] * 2
    assert [results[i]["status"] for i in ids] == ["confirmed"] * 3 + ["pending"] * 2
    assert results["0" * 32] == {"id": "0" * 32, "outcome": "not_found"}
    assert r.json()["counts"] == {"confirmed": 3, "waitlisted": 0, "seats_remaining": 0}
    assert ledger(db_url) == (3, 0)

    r = rd.http("POST", f"/api/v1/admin/events/{SLUG}/registrations/decline", headers=ADMIN,
                body={"ids": ids[3:]})
    assert [x["status"] for x in r.json()["results"]] == ["declined", "declined"]
    for who, _ in people[3:]:
        wait_for_mail(who, subject_has="お申込みについて")


def test_two_processes_approving_at_once_never_pass_the_cap(start, db_url, regdesk_factory):
    seats = 5
    a = start(capacity=seats)
    b = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW}).start()
    ids = [rid for _, rid in pending(a, 24, "race")]

    def approve(i_rid):
        i, rid = i_rid
        server = a if i % 2 else b
        if i % 3 == 0:  # some one by one, some in small bulks
            return [decide(server, rid, "approve").status]
        r = server.http("POST", f"/api/v1/admin/events/{SLUG}/registrations/approve",
                        headers=ADMIN, body={"ids": [rid]})
        return [200 if x["outcome"] == "decided" else 409 for x in r.json()["results"]]

    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        answers = [s for batch in pool.map(approve, enumerate(ids)) for s in batch]
    assert answers.count(200) == seats and answers.count(409) == len(ids) - seats, answers
    rows = harness.db_query(db_url, "SELECT status, COUNT(*) FROM registrations GROUP BY status")
    assert dict(rows) == {"confirmed": str(seats), "pending": str(len(ids) - seats)}
    assert ledger(db_url) == (seats, 0)
    # Every confirmed person is owed exactly one confirmation.
    owed = harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE kind='confirmation'")
    assert owed == [(str(seats),)]


def test_every_decision_is_in_the_audit_trail(start):
    rd = start(capacity=1)
    (_, ra), (_, rb) = pending(rd, 2, "audit")
    decide(rd, ra, "approve")
    decide(rd, rb, "decline", body={"message": {"ja": "対象外です。"}})
    entries = rd.http("GET", f"/api/v1/admin/audit?event={SLUG}", headers=ADMIN).json()["entries"]
    by_action = {e["action"]: e for e in entries if e["action"].startswith("registration_")}
    assert by_action["registration_approved"]["target"] == ra
    assert by_action["registration_approved"]["detail"]["status"] == "confirmed"
    assert by_action["registration_declined"]["target"] == rb
    assert by_action["registration_declined"]["detail"]["message"]["ja"] == "対象外です。"


def test_bad_requests_are_refused_and_change_nothing(start, db_url):
    rd = start(capacity=2)
    [(_, rid)] = pending(rd, 1, "bad")
    before = statuses(db_url)
    base = f"/api/v1/admin/events/{SLUG}/registrations"
    cases = [
        (f"{base}/approve", {}, 422, "ids"),
        (f"{base}/approve", {"ids": []}, 422, "ids"),
        (f"{base}/approve", {"ids": [1, 2]}, 422, "ids"),
        (f"{base}/approve", {"ids": ["x"] * 501}, 422, "ids"),
        (f"{base}/{rid}/decline", {"message": "no"}, 422, "message"),
        (f"{base}/{rid}/decline", {"message": {"ja": "あ" * 700}}, 422, "message.ja"),
        (f"{base}/{rid}/decline", {"message": {"en": 5}}, 422, "message.en"),
    ]
    for path, body, status, field in cases:
        r = rd.http("POST", path, headers=ADMIN, body=body)
        assert r.status == status, (path, body, r)
        assert field in {e["field"] for e in r.json()["errors"]}, r
    assert decide(rd, "f" * 32, "approve").status == 404
    r = rd.http("POST", f"/api/v1/admin/events/nope/registrations/{rid}/approve", headers=ADMIN)
    assert r.status == 404
    assert rd.http("POST", f"{base}/{rid}/approve").status == 401  # no credentials
    r = rd.http("PUT", f"/api/v1/admin/events/{SLUG}", headers=ADMIN,
                body=dict(approval_event(2), registration={**approval_event(2)["registration"], "approval": "maybe"}))
    assert r.status == 422 and r.json()["errors"][0]["field"] == "registration.approval", r
    assert statuses(db_url) == before


def test_an_event_without_approval_confirms_at_once_and_has_nothing_to_approve(db_url, regdesk_factory):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW})
    rd.check("migrate")
    rd.start()
    rd.http("PUT", "/api/v1/admin/events/open", headers=ADMIN, body=small_event("open", capacity=2))
    r = rd.http("POST", "/api/v1/events/open/registrations", body=applicant(harness.unique_email("o")))
    assert r.json()["status"] == "confirmed"
    again = rd.http("POST", f"/api/v1/admin/events/open/registrations/{r.json()['id']}/approve", headers=ADMIN)
    assert again.status == 200 and again.json()["already"] is True


def test_exports_show_the_review_state(start):
    rd = start(capacity=1)
    (_, ra), (_, rb), (_, rc) = pending(rd, 3, "ex")
    decide(rd, ra, "approve")
    decide(rd, rb, "decline")
    r = rd.http("GET", f"/api/v1/admin/events/{SLUG}/registrations?format=csv&encoding=cp932", headers=ADMIN)
    rows = list(csv.DictReader(io.StringIO(r.body.decode("cp932"))))
    assert sorted(row["状態"] for row in rows) == sorted(["確定", "不承認", "承認待ち"])
    only = rd.http("GET", f"/api/v1/admin/events/{SLUG}/registrations?status=pending", headers=ADMIN).json()
    assert [x["id"] for x in only["registrations"]] == [rc]


def test_the_page_from_the_mail_says_pending_then_declined(start):
    rd = start(capacity=2)
    who = harness.unique_email("page")
    rid = sign_up(rd, who).json()["id"]
    token = cancel_token(wait_for_mail(who, subject_has="審査中")[0])
    page = rd.http("GET", f"/cancel?token={token}")
    assert page.status == 200 and "主催者の確認を待っています" in page.text
    decide(rd, rid, "decline")
    page = rd.http("GET", f"/cancel?token={token}")
    assert "見送りとなりました" in page.text and 'action="/cancel"' not in page.text
