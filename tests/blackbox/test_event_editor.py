"""The event document as organisers edit it: read with its ETag, changed with If-Match (two
organisers at once never overwrite each other silently), copied as next year's draft, drafts
hidden from the public and previewed by organisers, then published."""

from __future__ import annotations

import pytest

import harness
from events import SYMPOSIUM, applicant, seed

ADMIN = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}
NEXT_YEAR = "midnet-symposium-2025"


@pytest.fixture
def service(seeded_service):
    return seeded_service.start()


def admin(rd, method, path, body=None, headers=None):
    return harness.http(rd.base_url, method, path, body=body, headers={**ADMIN, **(headers or {})})


def test_the_document_comes_with_an_etag_that_changes_with_it(service):
    r = admin(service, "GET", f"/api/v1/admin/events/{SYMPOSIUM}")
    assert r.status == 200, r
    etag = r.headers.get("ETag")
    assert etag and etag.startswith('"') and etag.endswith('"')
    doc = r.json()
    assert doc["slug"] == SYMPOSIUM and doc["visibility"] == "public"
    assert doc["counts"] == {"confirmed": 0, "waitlisted": 0}
    assert admin(service, "GET", f"/api/v1/admin/events/{SYMPOSIUM}").headers.get("ETag") == etag
    changed = seed(SYMPOSIUM)
    changed["capacity"] = 1200
    r = admin(service, "PUT", f"/api/v1/admin/events/{SYMPOSIUM}", body=changed,
              headers={"If-Match": etag})
    assert r.status == 200, r
    new_etag = r.headers.get("ETag")
    assert new_etag != etag
    assert admin(service, "GET", f"/api/v1/admin/events/{SYMPOSIUM}").headers.get("ETag") == new_etag
    assert admin(service, "GET", "/api/v1/admin/events/no-such-event").status == 404


def test_two_organisers_editing_at_once_the_second_is_told_not_overwritten(service):
    etag = admin(service, "GET", f"/api/v1/admin/events/{SYMPOSIUM}").headers.get("ETag")
    first, second = seed(SYMPOSIUM), seed(SYMPOSIUM)
    first["capacity"] = 1100
    second["title"]["ja"] = "別の題名"
    assert admin(service, "PUT", f"/api/v1/admin/events/{SYMPOSIUM}", body=first,
                 headers={"If-Match": etag}).status == 200
    r = admin(service, "PUT", f"/api/v1/admin/events/{SYMPOSIUM}", body=second,
              headers={"If-Match": etag})
    assert r.status == 409 and r.json()["code"] == "conflict", r
    stored = admin(service, "GET", f"/api/v1/admin/events/{SYMPOSIUM}").json()
    assert stored["capacity"] == 1100 and stored["title"]["ja"] == seed(SYMPOSIUM)["title"]["ja"]
    # If-Match on an event that does not exist is a conflict too, and creates nothing.
    doc = seed(SYMPOSIUM)
    doc["slug"] = "ghost-event"
    r = admin(service, "PUT", "/api/v1/admin/events/ghost-event", body=doc, headers={"If-Match": etag})
    assert r.status == 409
    assert admin(service, "GET", "/api/v1/admin/events/ghost-event").status == 404
    # If-None-Match: * creates only.
    r = admin(service, "PUT", f"/api/v1/admin/events/{SYMPOSIUM}", body=seed(SYMPOSIUM),
              headers={"If-None-Match": "*"})
    assert r.status == 409


def test_a_copy_is_a_draft_with_the_same_settings_and_no_registrations(service):
    r = harness.http(service.base_url, "POST", f"/api/v1/events/{SYMPOSIUM}/registrations",
                     body=applicant("last-year@example.jp"))
    assert r.status == 201
    r = admin(service, "POST", f"/api/v1/admin/events/{SYMPOSIUM}/copy", body={"slug": NEXT_YEAR})
    assert r.status == 201, r
    copy = admin(service, "GET", f"/api/v1/admin/events/{NEXT_YEAR}").json()
    original = admin(service, "GET", f"/api/v1/admin/events/{SYMPOSIUM}").json()
    assert copy["visibility"] == "draft" and copy["counts"] == {"confirmed": 0, "waitlisted": 0}
    for key in ("title", "description", "capacity", "meeting", "mail", "fields", "contact"):
        assert copy[key] == original[key], key
    # Again to the same slug, or from nothing, or to a bad slug: refused, nothing changed.
    assert admin(service, "POST", f"/api/v1/admin/events/{SYMPOSIUM}/copy",
                 body={"slug": NEXT_YEAR}).status == 409
    assert admin(service, "POST", "/api/v1/admin/events/nothing/copy", body={"slug": "x-1"}).status == 404
    r = admin(service, "POST", f"/api/v1/admin/events/{SYMPOSIUM}/copy", body={"slug": "Bad Slug"})
    assert r.status == 422 and r.json()["errors"][0]["field"] == "slug"
    entries = admin(service, "GET", f"/api/v1/admin/audit?event={NEXT_YEAR}").json()["entries"]
    assert [(e["action"], e["detail"]) for e in entries] == [
        ("event_created", {"copied_from": SYMPOSIUM})]


def test_a_draft_is_hidden_from_the_public_previewed_by_organisers_then_published(service, regdesk_factory):
    assert admin(service, "POST", f"/api/v1/admin/events/{SYMPOSIUM}/copy",
                 body={"slug": NEXT_YEAR}).status == 201
    public = lambda path: harness.http(service.base_url, "GET", path)  # noqa: E731
    assert public(f"/api/v1/events/{NEXT_YEAR}").status == 404
    assert public(f"/api/v1/events/{NEXT_YEAR}?preview=1").status == 404
    assert NEXT_YEAR not in public("/api/v1/events").text
    r = harness.http(service.base_url, "POST", f"/api/v1/events/{NEXT_YEAR}/registrations",
                     body=applicant("early@example.jp"))
    assert r.status == 404, r
    # Organisers see it in their list and can preview it.
    listed = admin(service, "GET", "/api/v1/admin/events").json()["events"]
    assert [e["visibility"] for e in listed if e["slug"] == NEXT_YEAR] == ["draft"]
    r = admin(service, "GET", f"/api/v1/events/{NEXT_YEAR}?preview=1")
    assert r.status == 200 and r.json()["preview"] is True
    assert harness.http(service.base_url, "GET", f"/api/v1/events/{NEXT_YEAR}?preview=1",
                        headers={"Authorization": "Bearer wrong"}).status == 404
    # Published: public, listed, open for sign-ups.
    doc = admin(service, "GET", f"/api/v1/admin/events/{NEXT_YEAR}")
    published = {k: v for k, v in doc.json().items() if k != "counts"}
    published["visibility"] = "public"
    assert admin(service, "PUT", f"/api/v1/admin/events/{NEXT_YEAR}", body=published,
                 headers={"If-Match": doc.headers.get("ETag")}).status == 200
    assert public(f"/api/v1/events/{NEXT_YEAR}").status == 200
    assert NEXT_YEAR in public("/api/v1/events").text
    r = harness.http(service.base_url, "POST", f"/api/v1/events/{NEXT_YEAR}/registrations",
                     body=applicant("early@example.jp"))
    assert r.status == 201, r


def test_an_unknown_visibility_is_a_field_error(service):
    doc = seed(SYMPOSIUM)
    doc["visibility"] = "secret"
    r = admin(service, "PUT", f"/api/v1/admin/events/{SYMPOSIUM}", body=doc)
    assert r.status == 422 and r.json()["errors"][0]["field"] == "visibility", r
    assert admin(service, "GET", f"/api/v1/admin/events/{SYMPOSIUM}").json()["visibility"] == "public"
