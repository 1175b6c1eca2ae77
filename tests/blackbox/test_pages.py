"""The pages the server renders itself (web/templates): escaped data, both languages, the
layout's landmarks, a broken template set stopping the start; the accessibility statement."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

import harness
from events import SYMPOSIUM, applicant
from mailtools import cancel_token, wait_for_mail

HOSTILE = '<script>alert("x")</script> & \'山田\''


@pytest.fixture
def service(seeded_service):
    return seeded_service.start()


def test_the_cancel_page_escapes_what_people_typed(service):
    address = harness.unique_email("escape")
    r = harness.http(service.base_url, "POST", f"/api/v1/events/{SYMPOSIUM}/registrations",
                     body=applicant(address, name=HOSTILE))
    assert r.status == 201, r
    token = cancel_token(wait_for_mail(address)[0])
    page = harness.http(service.base_url, "GET", f"/cancel?token={token}")
    assert page.status == 200
    assert "<script>" not in page.text
    shown = re.search(r"<dd>([^<]*山田[^<]*)</dd>", page.text)
    assert shown, page.text
    assert "&lt;script&gt;" in shown.group(1) and "&amp;" in shown.group(1)
    assert html.unescape(shown.group(1)) == HOSTILE
    assert page.headers.get("Content-Security-Policy").startswith("default-src 'self'")
    # The layout: language, skip link, main landmark, the accessibility statement's link.
    assert '<html lang="ja">' in page.text and 'href="#main"' in page.text
    assert '<main id="main"' in page.text and 'href="/accessibility"' in page.text
    assert f'value="{token}"' in page.text


def test_an_invalid_link_says_so_in_the_language_asked(service):
    ja = harness.http(service.base_url, "GET", "/cancel?token=nonsense")
    assert ja.status == 404 and "このリンクは無効です" in ja.text and '<html lang="ja">' in ja.text
    en = harness.http(service.base_url, "GET", "/cancel?token=nonsense",
                      headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert en.status == 404 and "This link is not valid" in en.text and '<html lang="en">' in en.text
    join = harness.http(service.base_url, "GET", "/join/" + "0" * 54)
    assert join.status == 404 and "このリンクではご参加いただけません" in join.text


def test_a_missing_template_stops_the_start_naming_the_file(db_url, regdesk_factory, tmp_path):
    web = tmp_path / "web"
    shutil.copytree(Path(__file__).resolve().parents[2] / "web", web,
                    ignore=shutil.ignore_patterns("node_modules"))
    (web / "templates" / "cancel.mustache").unlink()
    rd = regdesk_factory(db_url, env={"REGDESK_WEB_ROOT": str(web)})
    rd.check("migrate")
    cp = rd.run("serve", timeout=30)
    assert cp.returncode == 1
    assert "cancel.mustache" in cp.stderr


def test_the_accessibility_statement_is_published(service):
    r = harness.http(service.base_url, "GET", "/accessibility")
    assert r.status == 200
    for words in ("JIS X 8341-3:2016", "WCAG 2.1", "axe-core", "AA"):
        assert words in r.text, words
