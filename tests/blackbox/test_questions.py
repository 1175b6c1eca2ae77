"""The organiser's own questions, from outside: answers validated with every other field (all
errors at once, as answers.<id>), stored, mailed back in the confirmation, exported a column per
question (CSV in UTF-8 and CP932, xlsx read back with openpyxl), counted in the stats, and a
bad question in the event document refused with its path."""

from __future__ import annotations

import csv
import json
import io

import openpyxl
import pytest

import harness
from events import REHEARSAL_NOW, applicant, small_event
from mailtools import body_text, wait_for_mail

ADMIN = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}
SLUG = "with-questions"

QUESTIONS = [
    {"id": "panel", "type": "textarea", "label": {"ja": "パネルディスカッションへの質問", "en": "Question for the panel"},
     "help": {"ja": "頂いた質問から選んで当日お答えします。", "en": "We answer a selection on the day."},
     "required": False, "max_length": 400},
    {"id": "sessions", "type": "multi", "label": {"ja": "参加するセッション", "en": "Sessions"}, "required": True,
     "options": [{"value": "keynote", "label": {"ja": "基調講演", "en": "Keynote"}},
                 {"value": "panel", "label": {"ja": "パネルディスカッション", "en": "Panel"}},
                 {"value": "qa", "label": {"ja": "質疑応答", "en": "Q&A"}}]},
    {"id": "role", "type": "select", "label": {"ja": "ご担当", "en": "Role"}, "required": True,
     "options": [{"value": "pv", "label": {"ja": "安全性", "en": "Safety"}},
                 {"value": "epi", "label": {"ja": "疫学", "en": "Epidemiology"}}]},
    {"id": "accommodation", "type": "text",
     "label": {"ja": "合理的配慮のご希望", "en": "Reasonable accommodation"}, "required": False},
    {"id": "recording", "type": "checkbox", "label": {"ja": "録画の公開に同意する", "en": "I agree to the recording"},
     "required": True},
]


@pytest.fixture
def service(db_url, regdesk_factory):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW})
    rd.check("migrate")
    rd.start()
    r = rd.http("PUT", f"/api/v1/admin/events/{SLUG}", headers=ADMIN,
                body=small_event(SLUG, capacity=10, questions=QUESTIONS))
    assert r.status in (200, 201), r
    return rd


def answers(**overrides):
    a = {"panel": "データの対象期間を教えてください。\r\n二点目もあります。", "sessions": ["qa", "keynote"],
         "role": "epi", "recording": True}
    a.update(overrides)
    return {k: v for k, v in a.items() if v is not None}


def test_the_form_shows_the_questions(service):
    event = service.http("GET", f"/api/v1/events/{SLUG}").json()
    assert [q["id"] for q in event["questions"]] == [q["id"] for q in QUESTIONS]
    assert event["questions"][1]["options"][2]["label"]["en"] == "Q&A"


def test_answers_are_stored_mailed_exported_and_counted(service):
    first = harness.unique_email("q1")
    r = service.http("POST", f"/api/v1/events/{SLUG}/registrations",
                     body=applicant(first, answers=answers(accommodation="字幕があると助かります")))
    assert r.status == 201, r
    second = harness.unique_email("q2")
    r = service.http("POST", f"/api/v1/events/{SLUG}/registrations",
                     body=applicant(second, locale="en", answers=answers(sessions=["panel"], role="pv", panel=None)))
    assert r.status == 201, r

    mail = body_text(wait_for_mail(first, subject_has="受付完了")[0])
    assert "【ご回答内容】" in mail and "参加するセッション：基調講演、質疑応答" in mail
    assert "ご担当：疫学" in mail and "録画の公開に同意する：はい" in mail
    english = body_text(wait_for_mail(second)[0])
    assert "Sessions: Panel" in english and "Role: Safety" in english

    # JSON: the answers as sent (normalised: line breaks as LF, choices in the options' order).
    regs = {x["email"]: x for x in service.http(
        "GET", f"/api/v1/admin/events/{SLUG}/registrations", headers=ADMIN).json()["registrations"]}
    assert regs[first]["answers"] == {"panel": "データの対象期間を教えてください。\n二点目もあります。",
                                      "sessions": ["keynote", "qa"], "role": "epi",
                                      "accommodation": "字幕があると助かります", "recording": True}
    assert "panel" not in regs[second]["answers"]

    # CSV in both encodings and xlsx: a column per question, headed by its label, values as read.
    expected = {"パネルディスカッションへの質問": "データの対象期間を教えてください。\n二点目もあります。",
                "参加するセッション": "基調講演、質疑応答", "ご担当": "疫学",
                "合理的配慮のご希望": "字幕があると助かります", "録画の公開に同意する": "はい"}
    for encoding, codec in (("utf-8", "utf-8-sig"), ("cp932", "cp932")):
        body = service.http("GET", f"/api/v1/admin/events/{SLUG}/registrations?format=csv&encoding={encoding}",
                            headers=ADMIN).body.decode(codec)
        rows = {row["メールアドレス"]: row for row in csv.DictReader(io.StringIO(body, newline=""))}
        for header, value in expected.items():
            assert rows[first][header] == value, (encoding, header)
        assert rows[second]["パネルディスカッションへの質問"] == ""
    xlsx = service.http("GET", f"/api/v1/admin/events/{SLUG}/registrations?format=xlsx", headers=ADMIN)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.body), read_only=True).active
    table = list(sheet.iter_rows(values_only=True))
    header = list(table[0])
    row = next(r for r in table[1:] if first in r)
    for name, value in expected.items():
        assert row[header.index(name)] == value

    stats = service.http("GET", f"/api/v1/admin/events/{SLUG}/stats", headers=ADMIN).json()
    assert stats["answers"]["sessions"] == {"keynote": 1, "panel": 1, "qa": 1}
    assert stats["answers"]["role"] == {"pv": 1, "epi": 1}
    assert stats["answers"]["recording"] == {"true": 2}
    assert "panel" not in stats["answers"] and "accommodation" not in stats["answers"]


def test_every_bad_answer_is_reported_at_once_and_nothing_is_stored(service):
    body = applicant(harness.unique_email("bad"), name="",
                     answers={"panel": "あ" * 401, "sessions": ["keynote", "lunch"], "role": ["pv"],
                              "accommodation": "車椅子\n席", "recording": False, "stale": "x"})
    r = service.http("POST", f"/api/v1/events/{SLUG}/registrations", body=body)
    assert r.status == 422, r
    errors = {e["field"]: e for e in r.json()["errors"]}
    assert {k: e["code"] for k, e in errors.items()} == {
        "name": "required", "answers.panel": "too_long", "answers.sessions": "invalid",
        "answers.role": "invalid_type", "answers.accommodation": "control_characters",
        "answers.recording": "must_accept", "answers.stale": "unknown"}
    # The messages name the question as the form shows it, with its own limit.
    assert "パネルディスカッションへの質問" in errors["answers.panel"]["message"]
    assert "400" in errors["answers.panel"]["message"]
    assert "録画の公開に同意する" in errors["answers.recording"]["message"]
    r = service.http("POST", f"/api/v1/events/{SLUG}/registrations", body=body,
                     headers={"Accept-Language": "en"})
    assert "Question for the panel" in {e["field"]: e for e in r.json()["errors"]}["answers.panel"]["message"]
    # Required ones left out; "answers" of the wrong type.
    r = service.http("POST", f"/api/v1/events/{SLUG}/registrations",
                     body=applicant(harness.unique_email("none")))
    assert {e["field"]: e["code"] for e in r.json()["errors"]} == {
        "answers.sessions": "required", "answers.role": "required", "answers.recording": "must_accept"}
    r = service.http("POST", f"/api/v1/events/{SLUG}/registrations",
                     body=applicant(harness.unique_email("type"), answers="yes"))
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("answers", "invalid_type")]
    assert harness.db_query(service.db_url, "SELECT COUNT(*) FROM registrations") == [("0",)]


def test_a_bad_question_in_the_event_is_refused_with_its_path(service):
    questions = QUESTIONS + [{"id": "role", "type": "dropdown", "label": "重複"}]
    r = service.http("PUT", f"/api/v1/admin/events/{SLUG}", headers=ADMIN,
                     body=small_event(SLUG, capacity=10, questions=questions))
    assert r.status == 422, r
    keys = {e["field"] for e in r.json()["errors"]}
    assert "questions[5].type" in keys
    # The stored event is unchanged.
    event = service.http("GET", f"/api/v1/events/{SLUG}").json()
    assert len(event["questions"]) == len(QUESTIONS)


def test_the_purge_takes_free_text_answers_report_names_and_changed_values_and_keeps_choices(service):
    from test_attendance import zoom_report

    rd = service
    a = rd.http("POST", f"/api/v1/events/{SLUG}/registrations",
                body=applicant("purge-a@example.jp", name="消去 花子",
                               answers=answers(accommodation="車椅子で参加します")))
    assert a.status == 201, a
    b = rd.http("POST", f"/api/v1/events/{SLUG}/registrations",
                body=applicant("purge-b@example.jp", answers=answers(role="pv", panel=None)))
    assert b.status == 201, b
    changed = rd.http("PATCH", f"/api/v1/admin/events/{SLUG}/registrations/{a.json()['id']}",
                      headers=ADMIN, body={"name": "改名 花子", "phone": "03-1234-5678"})
    assert changed.status == 200, changed
    report = zoom_report("purge-a@example.jp", "purge-b@example.jp", "stranger@elsewhere.example")
    imported = rd.http("POST", f"/api/v1/admin/events/{SLUG}/attendance", raw_body=report.encode(),
                       headers={**ADMIN, "Content-Type": "text/csv"})
    assert imported.status == 200 and imported.json()["unmatched"], imported
    counts_before = rd.http("GET", f"/api/v1/admin/events/{SLUG}/stats", headers=ADMIN).json()["answers"]

    out = rd.check("purge", "--event", SLUG)
    assert "purged the personal data of 2 registrations" in out.stdout

    stored = {row["number"]: row["answers"] for row in rd.http(
        "GET", f"/api/v1/admin/events/{SLUG}/registrations", headers=ADMIN).json()["registrations"]}
    # Choices stay (the statistics count them); free text goes.
    assert stored == {1: {"sessions": ["keynote", "qa"], "role": "epi", "recording": True},
                      2: {"sessions": ["keynote", "qa"], "role": "pv", "recording": True}}
    assert rd.http("GET", f"/api/v1/admin/events/{SLUG}/stats", headers=ADMIN).json()["answers"] == counts_before
    assert rd.http("GET", f"/api/v1/admin/events/{SLUG}/attendance", headers=ADMIN).json()["unmatched"] == []
    trail = harness.db_query(rd.db_url, "SELECT action, detail FROM audit_log")
    text = " ".join(detail or "" for _, detail in trail)
    for personal in ("消去", "改名", "03-1234-5678", "車椅子", "stranger@elsewhere.example", "purge-a@"):
        assert personal not in text, personal
    change = next(json.loads(d) for act, d in trail if act == "registration_changed")
    assert change["values_purged"] is True and {"field": "name"} in change["changed"]
    assert all(set(c) == {"field"} for c in change["changed"]), change
    assert any(act == "personal_data_purged" for act, _ in trail)
    assert harness.db_query(rd.db_url, "SELECT COUNT(*) FROM outbox WHERE last_error IS NOT NULL") == [("0",)]
