"""Dated series (issue 10): a web-meeting series of one-person slots (Web面会, capacity 1 each,
no waitlist). GET /api/v1/series/{slug} lists the public and unlisted dates in start order;
two people racing for one slot across two `regdesk serve` processes on one database get exactly
one seat between them, and only the winner is mailed."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.client import HTTPConnection

import pytest

import harness
from events import REHEARSAL_NOW, applicant, small_event
from mailtools import body_text, wait_for_mail

SERIES = "web-meeting-2024-03"
BEARER = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}
RACES = 20
JST = timezone(timedelta(hours=9))


def slot(slug: str, day: int, hour: int, minute: int = 0, series: str = SERIES, **overrides) -> dict:
    """A 30-minute one-person slot on 2024-03-DAY at HOUR:MINUTE JST, open at REHEARSAL_NOW."""
    e = small_event(slug, capacity=1, waitlist=0)
    e["title"] = {"ja": f"MID-NET® Web面会 3月{day}日 {hour}:{minute:02d}",
                  "en": f"MID-NET® web meeting, {day} March {hour}:{minute:02d}"}
    starts = datetime(2024, 3, day, hour, minute, tzinfo=JST)
    e["starts_at"] = starts.isoformat()
    e["ends_at"] = (starts + timedelta(minutes=30)).isoformat()
    if series is not None:
        e["series"] = series
    e.update(overrides)
    return e


def put(rd, doc: dict) -> harness.Response:
    return rd.http("PUT", f"/api/v1/admin/events/{doc['slug']}", body=doc, headers=BEARER)


def put_ok(rd, doc: dict) -> dict:
    res = put(rd, doc)
    assert res.status in (200, 201), res
    return res.json()


def field_errors(res: harness.Response) -> dict:
    assert res.status == 422, res
    body = res.json()
    assert body["code"] == "validation_failed", body
    return {e["field"]: e["message"] for e in body["errors"]}


@pytest.fixture
def service(db_url, regdesk_factory):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW})
    rd.check("migrate")
    return rd.start()


def test_a_series_lists_its_dates_in_start_order_under_the_earliest_given_title(service):
    named = {"ja": "MID-NET® Web面会（2024年3月）", "en": "MID-NET® web meetings (March 2024)"}
    # Stored out of order: the listing follows the start, not the order of creation.
    put_ok(service, slot("slot-14", 14, 10, series_title={"ja": "遅い日の名前", "en": "later"}))
    put_ok(service, slot("slot-12", 12, 10))
    put_ok(service, slot("slot-13", 13, 10, series_title=named))

    res = service.http("GET", f"/api/v1/series/{SERIES}")
    assert res.status == 200, res
    body = res.json()
    assert body["slug"] == SERIES
    # The earliest date that has a series_title names the series (slot-12 has none).
    assert body["title"] == named
    assert [e["slug"] for e in body["events"]] == ["slot-12", "slot-13", "slot-14"]
    first = body["events"][0]
    assert first["starts_at"] == "2024-03-12T10:00:00+09:00"
    assert first["ends_at"] == "2024-03-12T10:30:00+09:00"
    assert first["timezone"] == "Asia/Tokyo"
    assert first["title"]["ja"] == "MID-NET® Web面会 3月12日 10:00"
    assert first["capacity"] == 1
    assert first["series"] == SERIES
    assert first["registration"]["state"] == "open"
    assert first["registration"]["seats_remaining"] == 1
    assert first["registration"]["waitlist_available"] is False
    # Each entry is the public Event: never the meeting link.
    assert "meeting" not in first and "meeting.example.jp" not in res.text
    # The same Event the detail answers, series included (the page links back with it).
    detail = service.http("GET", "/api/v1/events/slot-13").json()
    assert body["events"][1] == detail

    # Round trip through the admin API: GET, PUT it back, GET again.
    doc = service.http("GET", "/api/v1/admin/events/slot-13", headers=BEARER).json()
    assert doc["series"] == SERIES
    assert doc["series_title"] == named
    assert "series_title" not in service.http("GET", "/api/v1/admin/events/slot-12",
                                              headers=BEARER).json()
    doc.pop("counts")
    assert put(service, doc).status == 200
    again = service.http("GET", "/api/v1/admin/events/slot-13", headers=BEARER).json()
    again.pop("counts")
    assert again == doc


def test_without_any_series_title_the_earliest_dates_own_title_names_it(service):
    put_ok(service, slot("b-13", 13, 10, series="plain"))
    put_ok(service, slot("b-12", 12, 15, series="plain"))
    body = service.http("GET", "/api/v1/series/plain").json()
    assert body["title"] == {"ja": "MID-NET® Web面会 3月12日 15:00",
                             "en": "MID-NET® web meeting, 12 March 15:00"}


def test_drafts_are_never_listed_unlisted_dates_are_and_leaving_a_series_takes_effect(service):
    put_ok(service, slot("pub", 12, 10, series="mixed"))
    put_ok(service, slot("hidden", 12, 11, series="mixed", visibility="unlisted"))
    put_ok(service, slot("draft", 12, 9, series="mixed", visibility="draft"))
    put_ok(service, slot("only-draft", 12, 9, series="drafts", visibility="draft"))

    body = service.http("GET", "/api/v1/series/mixed").json()
    assert [e["slug"] for e in body["events"]] == ["pub", "hidden"]
    assert "draft" not in json.dumps(body)
    # A series of drafts only is no series to the public.
    res = service.http("GET", "/api/v1/series/drafts")
    assert res.status == 404, res

    # Taken out of the series (and the column with it), the date is no longer listed.
    put_ok(service, slot("hidden", 12, 11, series=None, visibility="unlisted"))
    body = service.http("GET", "/api/v1/series/mixed").json()
    assert [e["slug"] for e in body["events"]] == ["pub"]
    # Published, the draft joins in start order.
    put_ok(service, slot("draft", 12, 9, series="mixed"))
    body = service.http("GET", "/api/v1/series/mixed").json()
    assert [e["slug"] for e in body["events"]] == ["draft", "pub"]


@pytest.mark.parametrize("path", ["/api/v1/series/no-such-series", "/api/v1/series/Bad_Slug",
                                  "/api/v1/series/" + "a" * 65])
def test_an_unknown_series_is_a_404_problem(service, path):
    put_ok(service, slot("slot-12", 12, 10))
    res = service.http("GET", path, headers={"Accept-Language": "en"})
    assert res.status == 404, res
    assert res.headers["Content-Type"].startswith("application/problem+json")
    body = res.json()
    assert body["code"] == "not_found"
    assert body["status"] == 404
    page = service.http("GET", path.replace("/api/v1", ""))
    assert page.status == 404
    assert "text/html" in page.headers["Content-Type"]
    assert "日程一覧" in page.text


def test_a_bad_series_is_a_field_error_and_nothing_is_stored(service):
    assert "series" in field_errors(put(service, slot("bad-1", 12, 10, series="Web Meetings")))
    assert "series" in field_errors(put(service, slot("bad-2", 12, 10, series="slots_2024")))
    assert "series" in field_errors(put(service, slot("bad-3", 12, 10, series=7)))
    errors = field_errors(put(service, slot("bad-4", 12, 10, series=None,
                                           series_title={"ja": "Web面会"})))
    assert "series_title" in errors
    # Every bad field is listed, not only the first.
    errors = field_errors(put(service, slot("bad-5", 12, 10, series="-x", capacity=-1)))
    assert {"series", "capacity"} <= set(errors)
    for n in range(1, 6):
        res = service.http("GET", f"/api/v1/admin/events/bad-{n}", headers=BEARER)
        assert res.status == 404, res


def _race(ports: list[int], slug: str, emails: list[str]) -> list[tuple[int, dict]]:
    """One sign-up per port for SLUG, sent at the same moment on connections opened before."""
    barrier = threading.Barrier(len(ports))
    results: list = [None] * len(ports)
    errors: list = []

    def sign_up(i: int) -> None:
        try:
            conn = HTTPConnection("127.0.0.1", ports[i], timeout=30)
            conn.connect()
            body = json.dumps(applicant(emails[i]), ensure_ascii=False).encode("utf-8")
            barrier.wait(timeout=30)
            conn.request("POST", f"/api/v1/events/{slug}/registrations", body=body,
                         headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            results[i] = (resp.status, json.loads(resp.read()))
            conn.close()
        except Exception as e:  # noqa: BLE001 - reported by the caller's assertion
            errors.append(e)
            barrier.abort()

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(len(ports))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_two_people_racing_for_one_slot_on_two_processes_one_gets_it(db_url, regdesk_factory):
    a = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW})
    a.check("migrate")
    a.start()
    b = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW}).start()
    slugs = [f"slot-{i:02d}" for i in range(RACES)]
    for i, slug in enumerate(slugs):
        # Four slots a morning from 12 March, 30 minutes each.
        put_ok(a, slot(slug, 12 + i // 4, 9 + i % 4, 30 if i % 2 else 0))
    # Both processes have seen the slots (as after a visitor opened the series page), so the
    # race is decided by the seat ledger, not by which process read the event first.
    for rd in (a, b):
        listed = rd.http("GET", f"/api/v1/series/{SERIES}").json()
        assert [e["slug"] for e in listed["events"]] == slugs

    winners, losers = [], []
    for slug in slugs:
        emails = [harness.unique_email(f"{slug}-a"), harness.unique_email(f"{slug}-b")]
        results = _race([a.port, b.port], slug, emails)
        statuses = sorted(status for status, _ in results)
        assert statuses == [201, 409], (slug, results)
        for (status, body), email in zip(results, emails):
            if status == 201:
                assert body["status"] == "confirmed", body
                assert body["number"] == 1, body
                winners.append(email)
            else:
                assert body["code"] == "sold_out", body
                assert body["waitlist_available"] is False, body
                losers.append(email)

    # Each slot holds exactly one person, in the ledger and in the rows.
    rows = harness.db_query(
        db_url, "SELECT e.slug, e.confirmed_count, e.waitlisted_count, COUNT(r.id) FROM events e"
        " LEFT JOIN registrations r ON r.event_id = e.id GROUP BY e.id ORDER BY e.slug")
    assert rows == [(slug, "1", "0", "1") for slug in slugs], rows

    # The series shows every slot full, from either process.
    for rd in (a, b):
        listed = rd.http("GET", f"/api/v1/series/{SERIES}").json()
        for e in listed["events"]:
            assert e["registration"]["state"] == "full", e
            assert e["registration"]["seats_remaining"] == 0, e
            assert e["registration"]["waitlist_available"] is False, e

    # The winners, and only they, are mailed their confirmation.
    for i, email in enumerate(winners):
        msgs = wait_for_mail(email, subject_has="受付完了", deadline_s=60)
        assert len(msgs) == 1, [str(m["Subject"]) for m in msgs]
        day, hour, minute = 12 + i // 4, 9 + i % 4, 30 if i % 2 else 0
        assert str(msgs[0]["Subject"]) == f"【受付完了】MID-NET® Web面会 3月{day}日 {hour}:{minute:02d}"
        text = body_text(msgs[0]).replace("\r\n", "\n")
        assert "【受付番号】\n1\n" in text, text
        assert f"2024年3月{day}日" in text, text
    # A confirmation is queued in the sign-up's own transaction and the outbox is sent in order,
    # so once every winner's mail has arrived a loser's would be here too; and no row was kept.
    for email in losers:
        assert harness.maildir_messages(to=email) == [], email
    assert harness.db_query(db_url, "SELECT COUNT(*) FROM registrations WHERE email IN ("
                            + ",".join(f"'{e}'" for e in losers) + ")") == [("0",)]


def test_the_page_lists_the_dates_in_japan_time_with_seats_or_full(service):
    put_ok(service, slot("slot-12", 12, 10))
    put_ok(service, slot("slot-13", 13, 14, 30))
    res = service.http("POST", "/api/v1/events/slot-13/registrations",
                       body=applicant(harness.unique_email("page")))
    assert res.status == 201, res

    page = service.http("GET", f"/series/{SERIES}")
    assert page.status == 200, page
    assert page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    html = page.text
    assert '<html lang="ja">' in html
    assert "2024年3月12日(火) 10:00〜10:30（日本時間）" in html
    assert "2024年3月13日(水) 14:30〜15:00（日本時間）" in html
    assert html.index("slot-12") < html.index("slot-13")
    assert 'href="/events/slot-12"' in html and 'href="/events/slot-13"' in html
    assert "残り 1 席" in html
    assert "満席" in html
    assert 'aria-current="true">日本語' in html

    en = service.http("GET", f"/series/{SERIES}?lang=en").text
    assert '<html lang="en">' in en
    assert "Tue 12 Mar 2024, 10:00–10:30 (Japan time)" in en
    assert "1 seat left" in en
    assert "Full" in en
    assert 'href="/events/slot-12?lang=en"' in en
