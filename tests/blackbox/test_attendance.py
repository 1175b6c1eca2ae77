"""After the event, from outside: joins that mail scanners cannot fake, attendance reports of
Zoom, Webex and Teams in every encoding they come in, re-imports that change nothing,
follow-ups by attendance read back from the SMTP server, certificates read back from the PDF
with poppler's pdftotext, the verify page, and RFC 8058 one-click unsubscribe."""

from __future__ import annotations

import pathlib
import re
import subprocess
import tempfile

import pytest

import harness
from events import applicant, small_event
from mailtools import JOIN_LINK, body_text, cancel_token, join_token, wait_for_mail

ADMIN = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}
SAMPLES = pathlib.Path(__file__).resolve().parents[1] / "attendance"
SLUG = "after-sympo"
MEETING_URL = "https://meet.example.jp/j/after-sympo"
DURING = "2024-02-28T14:05:00+09:00"  # the event runs 14:00-17:00 JST; join is open
FOLLOW_UP_DUE = "2024-02-28T19:01:00+09:00"  # two hours after the end, and a minute


def event() -> dict:
    e = small_event(SLUG, capacity=10)
    e.update(starts_at="2024-02-28T14:00:00+09:00", ends_at="2024-02-28T17:00:00+09:00")
    e["registration"] = {"opens_at": "2024-01-01T00:00:00+09:00",
                         "closes_at": "2024-02-28T17:00:00+09:00"}
    e["meeting"] = {"url": MEETING_URL, "passcode": "", "join_opens_minutes_before": 10}
    e["mail"] = {"meeting_link_before": "P1D", "reminders_before": []}
    e["follow_up"] = {"after": "PT2H", "survey_url": "https://survey.example.jp/after-sympo",
                      "materials_url": "https://www.example.jp/materials.pdf",
                      "recording_url": "https://video.example.jp/after-sympo"}
    e["certificate"] = {"min_minutes": 60, "issuer": {"ja": "独立行政法人 テスト機構",
                                                      "en": "Test Agency"}}
    return e


def path_of(url: str) -> str:
    assert url.startswith(harness.PUBLIC_URL), url
    return url[len(harness.PUBLIC_URL):]


def zoom_report(a: str, b: str, stranger: str) -> str:
    # Zoom's participants export: the meeting summary, a blank line, then one row per session.
    return (
        "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\r\n"
        "812 3456 7890,After symposium,02/28/2024 01:58:02 PM,02/28/2024 05:02:11 PM,"
        "host@example.jp,185,4\r\n"
        "\r\n"
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"
        f"出席 一郎,{a.upper()},02/28/2024 02:00:13 PM,02/28/2024 03:10:13 PM,70,No\r\n"
        f"出席 一郎,{a},02/28/2024 03:20:00 PM,02/28/2024 04:55:00 PM,95,No\r\n"
        f"\"短時間, 二郎\",{b},02/28/2024 02:30:00 PM,02/28/2024 03:00:00 PM,30,No\r\n"
        "ゲスト 参加者,,02/28/2024 02:10:00 PM,02/28/2024 02:40:00 PM,30,Yes\r\n"
        f"知らない 人,{stranger},02/28/2024 02:00:00 PM,02/28/2024 02:20:00 PM,20,Yes\r\n"
    )


def import_report(rd, data: bytes, content_type="text/csv"):
    return rd.http("POST", f"/api/v1/admin/events/{SLUG}/attendance", raw_body=data,
                   headers={**ADMIN, "Content-Type": content_type})


def registrations(rd) -> dict:
    r = rd.http("GET", f"/api/v1/admin/events/{SLUG}/registrations", headers=ADMIN)
    assert r.status == 200, r
    return {x["email"]: x for x in r.json()["registrations"]}


def pdftotext(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", f.name, "-"], check=True,
                              capture_output=True, text=True).stdout


def pdf_pages(data: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], check=True, capture_output=True,
                              text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.fixture
def during(db_url, regdesk_factory):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": DURING})
    rd.check("migrate")
    rd.start()
    r = rd.http("PUT", f"/api/v1/admin/events/{SLUG}", body=event(), headers=ADMIN)
    assert r.status in (200, 201), r
    return rd


def sign_up(rd, prefix, name):
    address = harness.unique_email(prefix)
    r = rd.http("POST", f"/api/v1/events/{SLUG}/registrations",
                body=applicant(address, name=name))
    assert r.status == 201, r
    return address


def test_a_scanner_that_only_gets_the_join_link_records_nothing(during):
    address = sign_up(during, "scanned", "走査 三郎")
    link_mail = wait_for_mail(address, subject_has="参加URL")[0]
    token = join_token(link_mail)
    for _ in range(3):  # Safe Links, a second scanner, the preview pane
        r = during.http("GET", f"/join/{token}")
        assert r.status == 200 and 'method="post"' in r.text and f"/join/{token}" in r.text
        assert "Location" not in r.headers
    counts = harness.db_query(during.db_url,
                              "SELECT join_count, first_joined_at IS NULL FROM registrations")
    assert counts == [("0", "1")]

    # The person presses the button: 303 to the meeting, recorded; a second press counts too.
    r = during.http("POST", f"/join/{token}", raw_body="",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 303 and r.headers["Location"] == MEETING_URL
    first = harness.db_query(during.db_url, "SELECT first_joined_at FROM registrations")
    r = during.http("POST", f"/join/{token}", raw_body="")
    assert r.status == 303
    rows = harness.db_query(during.db_url,
                            "SELECT join_count, first_joined_at, last_joined_at >= first_joined_at"
                            " FROM registrations")
    assert rows == [("2", first[0][0], "1")]
    # A token that is not valid is refused on both methods, and records nothing.
    bad = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert during.http("GET", f"/join/{bad}").status == 404
    assert during.http("POST", f"/join/{bad}", raw_body="").status == 404


def test_reports_are_matched_summed_and_importing_again_changes_nothing(during):
    a = sign_up(during, "attendee", "出席 一郎")
    b = sign_up(during, "brief", "短時間 二郎")
    c = sign_up(during, "absent", "欠席 三子")
    stranger = harness.unique_email("stranger")
    report = zoom_report(a, b, stranger)

    r = import_report(during, report.encode("utf-8-sig"))
    assert r.status == 200, r
    result = r.json()
    assert result["tool"] == "zoom"
    assert (result["rows"], result["matched"], result["registrations"]) == (5, 3, 2)
    assert result["new_sessions"] == 3
    assert {(u["email"], u["name"]) for u in result["unmatched"]} == {
        ("", "ゲスト 参加者"), (stranger, "知らない 人")}

    regs = registrations(during)
    assert regs[a]["attended"] is True and regs[a]["minutes_attended"] == 165
    assert regs[a]["first_joined_at"] == "2024-02-28T14:00:13+09:00"
    assert regs[a]["last_left_at"] == "2024-02-28T16:55:00+09:00"
    assert regs[b]["minutes_attended"] == 30
    assert regs[c]["attended"] is False and regs[c]["minutes_attended"] is None

    # The same report again, then as Japanese Excel re-saves it (CP932) and as UTF-16 with
    # tabs: every session is known, nothing changes.
    for data in (report.encode("utf-8-sig"), report.encode("cp932"),
                 report.replace(",", "\t").replace('"短時間\t 二郎"', "短時間, 二郎")
                 .encode("utf-16")):
        r = import_report(during, data)
        assert r.status == 200, r
        assert r.json()["new_sessions"] == 0 and r.json()["matched"] == 3, r.json()
    assert registrations(during) == regs

    stats = during.http("GET", f"/api/v1/admin/events/{SLUG}/stats", headers=ADMIN).json()
    att = stats["attendance"]
    assert (att["confirmed"], att["attended"], att["in_reports"]) == (3, 2, 2)
    assert att["rate"] == pytest.approx(2 / 3, abs=0.001)
    assert {(m["from"], m["count"]) for m in att["minutes"]} == {(30, 1), (165, 1)}

    summary = during.http("GET", f"/api/v1/admin/events/{SLUG}/attendance", headers=ADMIN).json()
    assert summary["imports"] == 4 and len(summary["unmatched"]) == 2

    # The CSV export carries the same, in the columns Excel shows.
    csv = during.http("GET", f"/api/v1/admin/events/{SLUG}/registrations?format=csv",
                      headers=ADMIN).body.decode("utf-8-sig")
    header, *lines = csv.splitlines()
    assert "出席" in header.split(",") and "参加時間（分）" in header.split(",")
    assert any(a in line and ",出席,165," in line for line in lines)


def test_what_is_not_a_report_is_refused_and_nothing_changes(during):
    a = sign_up(during, "kept", "出席 一郎")
    good = zoom_report(a, harness.unique_email("b"), harness.unique_email("c"))
    assert import_report(during, good.encode()).status == 200
    before = registrations(during)
    cases = [
        (b"name,email\r\nx,y\r\n", "text/csv", 422, "unrecognised_report"),
        (b"\xff\xfe\x00\xd8" + b"\x00" * 7, "text/csv", 422, "unrecognised_report"),
        (b"", "text/csv", 422, "unrecognised_report"),
        (good.encode(), "application/json", 415, "unsupported_media_type"),
        (b"x" * (1000 * 1024 + 1), "text/csv", 413, "payload_too_large"),
    ]
    for data, ctype, status, code in cases:
        r = import_report(during, data, ctype)
        assert (r.status, r.json()["code"]) == (status, code), (data[:20], r)
    assert registrations(during) == before
    # Without credentials, and for an event that does not exist.
    r = during.http("POST", f"/api/v1/admin/events/{SLUG}/attendance", raw_body=good,
                    headers={"Content-Type": "text/csv"})
    assert r.status == 401
    r = during.http("POST", "/api/v1/admin/events/nope/attendance", raw_body=good,
                    headers={**ADMIN, "Content-Type": "text/csv"})
    assert r.status == 404


def test_each_tools_sample_report_is_recognised(during):
    expected = {"zoom": 0, "teams": 0, "webex": 0}
    for sample in sorted(SAMPLES.glob("*.csv")):
        r = import_report(during, sample.read_bytes())
        assert r.status == 200, (sample.name, r)
        tool = r.json()["tool"]
        assert sample.name.startswith(tool), (sample.name, tool)
        assert r.json()["rows"] > 0
        expected[tool] += 1
    assert all(expected.values()), expected


def test_the_command_line_imports_a_teams_report(during, tmp_path):
    a = sign_up(during, "teams", "出席 一郎")
    report = (
        "1. Summary\n"
        "Meeting title\tAfter symposium\n"
        "Attended participants\t1\n"
        "Start time\t2/28/24, 1:58:00 PM\n"
        "End time\t2/28/24, 5:01:00 PM\n"
        "\n"
        "2. Participants\n"
        "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\n"
        f"出席 一郎\t2/28/24, 2:00:00 PM\t2/28/24, 4:00:00 PM\t1h 50m\t{a}\t{a}\tAttendee\n"
        "\n"
        "3. In-Meeting Activities\n"
        "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\n"
        f"出席 一郎\t2/28/24, 2:00:00 PM\t2/28/24, 3:00:00 PM\t1h\t{a}\tAttendee\n"
        f"出席 一郎\t2/28/24, 3:10:00 PM\t2/28/24, 4:00:00 PM\t50m\t{a}\tAttendee\n"
    )
    path = tmp_path / "teams.csv"
    path.write_bytes(report.encode("utf-16"))  # Teams: UTF-16 with a BOM, tabs
    cp = during.check("attendance", "import", "--event", SLUG, str(path))
    assert "teams report" in cp.stdout and "0 unmatched" in cp.stdout, cp.stdout
    assert registrations(during)[a]["minutes_attended"] == 110
    cp = during.run("attendance", "import", "--event", SLUG, "/nonexistent.csv")
    assert cp.returncode == 1 and "cannot read" in cp.stderr


def test_follow_ups_certificates_and_one_click_unsubscribe(db_url, during, regdesk_factory):
    a = sign_up(during, "long", "出席 一郎")
    b = sign_up(during, "short", "短時間 二郎")
    c = sign_up(during, "missed", "欠席 三子")
    assert import_report(during, zoom_report(a, b, harness.unique_email("x")).encode()).status == 200
    links = {address: wait_for_mail(address, subject_has="参加URL")[0] for address in (a, b, c)}
    during.stop()

    after = regdesk_factory(db_url, env={"REGDESK_NOW": FOLLOW_UP_DUE}).start()
    thanks = wait_for_mail(a, subject_has="ご参加ありがとうございました")[0]
    short = wait_for_mail(b, subject_has="ご参加ありがとうございました")[0]
    missed = wait_for_mail(c, subject_has="開催のご報告")[0]
    for msg in (thanks, short, missed):
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert re.fullmatch(r"<http://regdesk\.test/unsubscribe/[0-9a-f]{32}[A-Za-z0-9_-]{22}>",
                            msg["List-Unsubscribe"])
    text = body_text(thanks)
    assert "165分" in text and "https://survey.example.jp/after-sympo" in text
    assert "/certificate/" in text and not JOIN_LINK.search(text)
    assert "/certificate/" not in body_text(short)  # 30 minutes: under the certificate's 60
    missed_text = body_text(missed)
    assert "https://video.example.jp/after-sympo" in missed_text
    assert "/certificate/" not in missed_text
    # Each once, however often the schedule runs (a second process runs it as well).
    second = regdesk_factory(db_url, env={"REGDESK_NOW": FOLLOW_UP_DUE}).start()
    harness.poll(lambda: harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE state = 'queued'")
                 == [("0",)], what="the outbox drained")
    second.stop()
    kinds = harness.db_query(db_url, "SELECT kind, COUNT(*) FROM outbox WHERE kind LIKE"
                                     " 'follow_up%' GROUP BY kind ORDER BY kind")
    assert kinds == [("follow_up_absent", "1"), ("follow_up_attended", "2")]

    # The certificate, read back from the PDF: Japanese text, number, minutes, verify URL.
    cert_url = re.search(r"http://\S+/certificate/\S+", text).group(0)
    r = after.http("GET", path_of(cert_url))
    assert r.status == 200 and r.headers["Content-Type"] == "application/pdf"
    assert r.body.startswith(b"%PDF-") and pdf_pages(r.body) == 1
    pdf_text = pdftotext(r.body)
    number = re.search(rf"{SLUG}-\d{{6}}-[0-9A-Z]{{8}}", pdf_text).group(0)
    for expected in ("出席 一郎", "テスト製薬株式会社", "165", "独立行政法人 テスト機構",
                     f"http://regdesk.test/certificates/{number}"):
        assert expected in pdf_text, (expected, pdf_text)

    page = after.http("GET", f"/certificates/{number}")
    assert page.status == 200 and "出席 一郎" in page.text and "165" in page.text
    forged = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert after.http("GET", f"/certificates/{forged}").status == 404
    other = re.sub(r"-(\d{6})-", lambda m: f"-{int(m.group(1)) + 1:06d}-", number)
    assert after.http("GET", f"/certificates/{other}").status == 404

    # Under the minimum: refused with the contract's code. A token that is not valid: 404.
    r = after.http("GET", f"/certificate/{cancel_token(links[b])}")
    assert r.status == 403 and r.json()["code"] == "not_attended"
    assert after.http("GET", f"/certificate/{'0' * 54}").status == 404

    # All certificates of the event in one PDF, for the organiser's records.
    r = after.http("GET", f"/api/v1/admin/events/{SLUG}/certificates", headers=ADMIN)
    assert r.status == 200 and r.headers["X-Certificates"] == "1" and pdf_pages(r.body) == 1

    # One-click unsubscribe: a GET changes nothing (scanners), the provider's POST stops
    # announcements; transactional mail is not affected.
    unsubscribe = path_of(missed["List-Unsubscribe"].strip("<>"))
    assert after.http("GET", unsubscribe).status == 200
    assert harness.db_query(db_url, "SELECT COUNT(*) FROM registrations WHERE unsubscribed_at"
                                    " IS NOT NULL") == [("0",)]
    r = after.http("POST", unsubscribe, raw_body="List-Unsubscribe=One-Click",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200
    assert after.http("POST", unsubscribe, raw_body="List-Unsubscribe=One-Click").status == 200
    def announce(to):
        r = after.http("POST", f"/api/v1/admin/events/{SLUG}/announcements", headers=ADMIN,
                       body={"subject": "資料の追加", "body": "資料を追加しました。", "to": to})
        assert r.status == 202, r
        return r.json()["recipients"]
    assert announce("absent") == 0  # the one absentee unsubscribed
    assert announce("attended") == 2
    assert announce("confirmed") == 2
    r = after.http("POST", f"/api/v1/admin/events/{SLUG}/announcements", headers=ADMIN,
                   body={"subject": "x", "body": "y", "to": "everyone"})
    assert r.status == 422 and r.json()["errors"][0]["field"] == "to"
