"""Organiser tools from outside: exports opened by independent readers, exact statistics,
announcements, admin cancellation, restricted events, personal-data purge, and auth."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import urllib.parse

import pytest

import harness
from events import REHEARSAL_NOW, SEED_DIR, SYMPOSIUM, applicant
from mailtools import body_text, wait_for_mail

ADMIN = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}
BRIEFING = "midnet-briefing-2024-04"
EVIL = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.fixture
def service(seeded_service):
    return seeded_service.start()


def signup(rd, slug, body, status=201):
    r = harness.http(rd.base_url, "POST", f"/api/v1/events/{slug}/registrations", body=body)
    assert r.status == status, r
    return r.json()


def admin(rd, method, path, body=None):
    return harness.http(rd.base_url, method, path, body=body, headers=ADMIN)


def export(rd, slug, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return admin(rd, "GET", f"/api/v1/admin/events/{slug}/registrations?{query}")


@pytest.fixture
def populated(service):
    """Five known sign-ups to the symposium, one cancelled by the organiser."""
    people = [
        applicant("a@example.jp", name="山田 太郎", category="industry"),
        applicant("b@example.jp", name=EVIL, organization="+cmd|' /C calc'!A0", category="academia"),
        applicant("c@example.jp", name="髙橋 花子", organization="①㈱テスト 𠮷野家", category="cro",
                  question='複数行の\n質問, "引用" あり'),
        applicant("d@example.jp", name="Jane Doe", category="healthcare", locale="en"),
        applicant("e@example.jp", name="@SUM(A1)", category="industry"),
    ]
    regs = [signup(service, SYMPOSIUM, p) for p in people]
    r = admin(service, "POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/{regs[3]['id']}/cancel")
    assert r.status == 200 and r.json()["status"] == "cancelled"
    return service, regs


def test_csv_export_opens_with_a_csv_reader_and_neutralises_formulas(populated):
    rd, regs = populated
    r = export(rd, SYMPOSIUM, format="csv")
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.body.startswith(b"\xef\xbb\xbf")  # the BOM Japanese Excel needs
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
    assert rows[0][:6] == ["受付番号", "状態", "登録日時", "氏名", "ふりがな", "メールアドレス"]
    assert len(rows) == 6
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number["1"][1] == "確定" and by_number["1"][8] == "製造販売業者"
    assert by_number["1"][2] == "2024-01-15 10:00:00" or by_number["1"][2].startswith("2024-01-15 10:00:")
    assert by_number["2"][3] == "'" + EVIL  # never a live formula
    assert by_number["2"][6].startswith("'+")
    assert by_number["5"][3] == "'@SUM(A1)"
    assert by_number["3"][10] == '複数行の\n質問, "引用" あり'
    assert by_number["4"][1] == "キャンセル" and by_number["4"][12]  # cancelled at
    assert b"\r\n" in r.body
    confirmed = list(csv.reader(io.StringIO(export(rd, SYMPOSIUM, format="csv", status="confirmed")
                                            .body.decode("utf-8-sig"), newline="")))
    assert [row[0] for row in confirmed[1:]] == ["1", "2", "3", "5"]


def test_cp932_export_decodes_and_counts_what_it_replaced(populated):
    rd, _ = populated
    r = export(rd, SYMPOSIUM, format="csv", encoding="cp932")
    assert r.status == 200
    text = r.body.decode("cp932")  # must decode cleanly
    assert "髙橋 花子" in text and "①㈱テスト" in text
    assert "〓野家" in text  # 𠮷 is not in CP932: replaced visibly
    assert r.headers["X-Replaced-Characters"] == "1"


def test_xlsx_export_opens_in_openpyxl_with_strings_only(populated, tmp_path):
    rd, _ = populated
    r = export(rd, SYMPOSIUM, format="xlsx")
    assert r.status == 200
    path = tmp_path / "list.xlsx"
    path.write_bytes(r.body)
    script = (
        "import json, openpyxl, sys\n"
        "wb = openpyxl.load_workbook(sys.argv[1])\n"
        "ws = wb.active\n"
        "rows = [[c.value for c in row] for row in ws.iter_rows()]\n"
        "types = sorted({c.data_type for row in ws.iter_rows(min_row=2) for c in row if c.value is not None})\n"
        "print(json.dumps({'rows': rows, 'types': types, 'freeze': ws.freeze_panes}, ensure_ascii=False))\n")
    out = subprocess.run(["/usr/bin/python3", "-c", script, str(path)], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["rows"][0][0] == "受付番号" and len(data["rows"]) == 6
    assert data["types"] == ["s"] and data["freeze"] == "A2"
    assert data["rows"][2][3] == "'" + EVIL
    assert "𠮷" in data["rows"][3][6]  # xlsx is Unicode: nothing replaced


def test_an_export_may_take_longer_than_a_slow_client_may_take_to_send(db_url, regdesk_factory,
                                                                       tmp_path):
    """Pistache 0.0.5 answers 408 itself once a request is http.request_timeout_seconds old
    without its answer, even while the export is being written. The setting bounds both, so an
    export slower than it is cut, one within it is not (the table is held locked to make the
    export slow)."""
    def service_with(timeout_s: int):
        config = tmp_path / f"timeout-{timeout_s}.json"
        config.write_text(json.dumps({"http": {"request_timeout_seconds": timeout_s}}))
        rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW},
                             args=("--config", str(config), "serve"))
        return rd

    first = service_with(1)
    first.check("migrate")
    first.check("events", "import", str(SEED_DIR / f"{SYMPOSIUM}.json"))
    first.start()
    signup(first, SYMPOSIUM, applicant("slow-export@example.jp"))

    def export_while_locked(rd) -> harness.Response:
        held = subprocess.Popen(
            [*harness.env_var("REGDESK_TEST_DB_ADMIN").split(), "--unbuffered",
             harness.db_name(db_url), "-e",
             "LOCK TABLES registrations WRITE; SELECT 'locked'; SELECT SLEEP(3); UNLOCK TABLES;"],
            stdout=subprocess.PIPE, text=True)
        try:
            assert held.stdout.readline()  # the header line: the lock is held from here
            return harness.http(rd.base_url, "GET",
                                f"/api/v1/admin/events/{SYMPOSIUM}/registrations?format=csv",
                                headers=ADMIN, timeout=30)
        finally:
            held.communicate(timeout=30)

    assert export_while_locked(first).status == 408
    first.stop()
    patient = service_with(20).start()
    r = export_while_locked(patient)
    assert r.status == 200, r
    assert "slow-export@example.jp" in r.text


def test_json_export_and_cli_export_agree(populated):
    rd, regs = populated
    j = export(rd, SYMPOSIUM, format="json").json()["registrations"]
    assert [x["number"] for x in j] == [1, 2, 3, 4, 5]
    assert j[0]["id"] == regs[0]["id"] and j[3]["status"] == "cancelled"
    cli = rd.run("export", "--event", SYMPOSIUM, "--format", "csv")
    assert cli.returncode == 0, cli.stderr
    api = export(rd, SYMPOSIUM, format="csv").body.decode("utf-8")
    assert cli.stdout == api.replace("\r\n", "\n")  # run() reads text mode: CRLF -> LF
    assert "exported 5 registrations" in cli.stderr


def test_the_list_pages_by_cursor_and_searches_on_the_server(populated):
    rd, regs = populated
    numbers = []
    after, pages = 0, 0
    while True:
        r = export(rd, SYMPOSIUM, format="json", limit=2, after=after)
        assert r.status == 200, r
        page = r.json()
        assert page["total"] == 5 and len(page["registrations"]) <= 2
        numbers += [row["number"] for row in page["registrations"]]
        pages += 1
        if page["next"] is None:
            break
        assert page["next"] == page["registrations"][-1]["number"]
        after = page["next"]
    assert numbers == [1, 2, 3, 4, 5] and pages == 3

    def search(q, **more):
        page = export(rd, SYMPOSIUM, q=urllib.parse.quote(q), **more).json()
        return page["total"], [row["number"] for row in page["registrations"]]

    assert search("髙橋") == (1, [3])
    assert search("ＪＡＮＥ") == (1, [4])  # NFKC, and the collation ignores case
    assert search("b@example") == (1, [2])
    assert search("テスト") == (4, [1, 3, 4, 5])  # 2 has the organisation "+cmd..."
    assert search("テスト", status="cancelled") == (1, [4])
    assert search("5") == (1, [5])  # a 受付番号
    assert search("%") == (0, [])  # LIKE's wildcards are literal characters here
    assert search("_") == (0, [])
    assert search(" ") == (5, [1, 2, 3, 4, 5])  # only blanks: no search

    for bad, field, code in [("limit=0", "limit", "invalid"), ("limit=501", "limit", "invalid"),
                             ("limit=x", "limit", "invalid"), ("after=-1", "after", "invalid"),
                             ("q=%FF", "q", "invalid"), ("q=" + "x" * 201, "q", "too_long"),
                             ("limit=5&format=csv", "format", "paging_is_json_only")]:
        r = admin(rd, "GET", f"/api/v1/admin/events/{SYMPOSIUM}/registrations?{bad}")
        assert r.status == 422, (bad, r)
        assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [(field, code)], bad
    assert export(rd, "no-such-event", limit=10).status == 404

    views = [e["detail"] for e in admin(rd, "GET", "/api/v1/admin/audit").json()["entries"]
             if e["action"] == "registrations_viewed"]
    assert {"format": "json", "status": "all", "after": 2, "search": False} in views
    assert any(v.get("search") for v in views)


def test_stats_are_exact(populated):
    rd, _ = populated
    s = admin(rd, "GET", f"/api/v1/admin/events/{SYMPOSIUM}/stats").json()
    assert s["counts"] == {"confirmed": 4, "waitlisted": 0, "pending": 0, "declined": 0, "cancelled": 1}
    assert s["by_category"] == {"industry": 2, "academia": 1, "cro": 1, "healthcare": 0,
                                "government": 0, "other": 0}
    assert s["seats_remaining"] == 996 and s["capacity"] == 1000
    assert s["signups_per_day"] == [{"date": "2024-01-15", "count": 5}]
    assert s["joins"] == 0
    assert sum(s["mail"].values()) >= 5


def test_signups_per_day_are_counted_in_the_events_days(db_url, regdesk_factory):
    # 23:00 and 00:30 JST are both 2024-01-15 in UTC: only the event's zone separates them.
    late = regdesk_factory(db_url, env={"REGDESK_NOW": "2024-01-15T23:00:00+09:00"})
    late.check("migrate")
    late.check("events", "import", str(SEED_DIR / f"{SYMPOSIUM}.json"))
    late.start()
    signup(late, SYMPOSIUM, applicant("late1@example.jp"))
    signup(late, SYMPOSIUM, applicant("late2@example.jp"))
    early = regdesk_factory(db_url, env={"REGDESK_NOW": "2024-01-16T00:30:00+09:00"}).start()
    signup(early, SYMPOSIUM, applicant("early@example.jp"))
    s = admin(early, "GET", f"/api/v1/admin/events/{SYMPOSIUM}/stats").json()
    assert s["signups_per_day"] == [{"date": "2024-01-15", "count": 2}, {"date": "2024-01-16", "count": 1}]


def test_every_admin_call_needs_the_token(service):
    calls = [("GET", "/api/v1/admin/events"),
             ("GET", f"/api/v1/admin/events/{SYMPOSIUM}/registrations?format=csv"),
             ("GET", f"/api/v1/admin/events/{SYMPOSIUM}/stats"),
             ("GET", f"/api/v1/admin/events/{SYMPOSIUM}/mail"),
             ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/announcements"),
             ("POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/x/cancel"),
             ("PUT", f"/api/v1/admin/events/{SYMPOSIUM}")]
    for method, path in calls:
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {harness.ADMIN_TOKEN}"},
                        {"Authorization": "Bearer "}):
            r = harness.http(service.base_url, method, path, body={} if method != "GET" else None, headers=headers)
            assert r.status == 401, (method, path, headers, r)
            assert r.json()["code"] == "unauthorized" and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert harness.ADMIN_TOKEN not in service.output()


def test_hash_token_helper_matches_what_the_service_accepts(db_url, regdesk_factory, tmp_path):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW, "REGDESK_ADMIN_TOKEN": None})
    rd.check("migrate")
    digest = rd.check("admin", "hash-token", "organiser-secret-42").stdout.strip()
    assert len(digest) == 64
    cfg = tmp_path / "regdesk.json"
    cfg.write_text(json.dumps({"admin": {"token_sha256": [digest]}}))
    rd.args = ("--config", str(cfg), "serve")
    rd.start()
    ok = harness.http(rd.base_url, "GET", f"/api/v1/admin/events/{SYMPOSIUM}/stats",
                      headers={"Authorization": "Bearer organiser-secret-42"})
    assert ok.status == 404  # authorised; the event is simply not imported here
    assert harness.http(rd.base_url, "GET", f"/api/v1/admin/events/{SYMPOSIUM}/stats",
                        headers={"Authorization": f"Bearer {digest}"}).status == 401


def test_restricted_briefing_admits_only_member_domains(db_url, regdesk_factory):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": "2024-03-20T10:00:00+09:00"})
    rd.check("migrate")
    rd.check("events", "import", str(SEED_DIR / f"{BRIEFING}.json"))
    rd.start()
    r = harness.http(rd.base_url, "POST", f"/api/v1/events/{BRIEFING}/registrations",
                     body=applicant("someone@gmail.com"))
    assert r.status == 403 and r.json()["code"] == "not_eligible"
    signup(rd, BRIEFING, applicant("member@rd.nda-pharma.example.co.jp"))
    assert harness.db_query(db_url, "SELECT confirmed_count FROM events") == [("1",)]
    listing = harness.http(rd.base_url, "GET", "/api/v1/events").json()["events"]
    assert BRIEFING not in [e["slug"] for e in listing]  # unlisted
    mine = admin(rd, "GET", "/api/v1/admin/events").json()["events"]
    assert [(e["slug"], e["visibility"], e["counts"]["confirmed"]) for e in mine] == [(BRIEFING, "unlisted", 1)]


def test_announcement_reaches_each_person_in_their_language(populated):
    rd, _ = populated
    r = admin(rd, "POST", f"/api/v1/admin/events/{SYMPOSIUM}/announcements",
              {"subject": {"ja": "資料公開のお知らせ", "en": "Slides published"},
               "body": {"ja": "当日の資料を公開しました。", "en": "The slides are now online."},
               "to": "confirmed"})
    assert r.status == 202 and r.json()["recipients"] == 4
    ja = wait_for_mail("a@example.jp", subject_has="資料公開のお知らせ")[0]
    assert "当日の資料を公開しました。" in body_text(ja)
    bad = admin(rd, "POST", f"/api/v1/admin/events/{SYMPOSIUM}/announcements",
                {"subject": "two\nlines", "body": "", "to": "everyone"})
    assert bad.status == 422
    assert {(e["field"], e["code"]) for e in bad.json()["errors"]} == {
        ("subject", "control_characters"), ("body", "required"), ("to", "invalid")}


def test_purge_removes_personal_data_and_keeps_the_counts(populated):
    rd, regs = populated
    before = admin(rd, "GET", f"/api/v1/admin/events/{SYMPOSIUM}/stats").json()
    out = rd.check("purge", "--event", SYMPOSIUM)
    assert "purged the personal data of 5 registrations" in out.stdout
    rows = export(rd, SYMPOSIUM, format="json").json()["registrations"]
    assert [x["number"] for x in rows] == [1, 2, 3, 4, 5]
    for x in rows:
        assert x["email"] == "" and x["name"] == "" and x["organization"] == "" and not x["question"]
    csv_text = export(rd, SYMPOSIUM, format="csv").body.decode("utf-8")
    assert "example.jp" not in csv_text and "山田" not in csv_text
    after = admin(rd, "GET", f"/api/v1/admin/events/{SYMPOSIUM}/stats").json()
    assert after["counts"] == before["counts"] and after["by_category"] == before["by_category"]
    assert after["signups_per_day"] == before["signups_per_day"]


def test_purge_by_age_takes_only_events_that_ended_long_ago(db_url, regdesk_factory):
    # Rehearsal: 2024-06-01. The symposium (Feb) ended > 90 days before; the briefing (Apr) not.
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": "2024-06-01T00:00:00+09:00"})
    rd.check("migrate")
    rd.check("events", "import", *sorted(str(p) for p in SEED_DIR.glob("*.json")))
    out = rd.check("purge").stdout
    assert f"of {SYMPOSIUM}" in out and BRIEFING not in out
    assert "nothing to purge" in rd.check("purge").stdout  # once only
