"""Checks of the harness itself, against the MariaDB and SMTP catcher that
ops/test starts; no regdesk binary needed."""

import concurrent.futures
import os
import smtplib
import urllib.parse
from email.message import EmailMessage

import harness


def test_new_database_and_db_query_round_trip(db_url):
    name = harness.db_name(db_url)
    assert db_url == harness.env_var("REGDESK_TEST_DB_URL") + name
    assert harness.db_query(name, "SELECT @@character_set_database, @@collation_database") == [
        ("utf8mb4", "utf8mb4_unicode_ci")
    ]
    harness.db_query(
        name,
        "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(100) NULL);"
        "INSERT INTO t VALUES (1, '山田 太郎 🎫'), (2, 'tab\\there\\\\'), (3, NULL);",
    )
    assert harness.db_query(db_url, "SELECT id, s FROM t ORDER BY id") == [
        ("1", "山田 太郎 🎫"),
        ("2", "tab\there\\"),
        ("3", None),
    ]
    # Another database is another namespace.
    other = harness.db_name(harness.new_database())
    assert other != name
    assert harness.db_query(other, "SHOW TABLES") == []


def test_mail_round_trip_through_the_smtp_catcher():
    smtp = urllib.parse.urlsplit(harness.env_var("REGDESK_TEST_SMTP_URL"))
    to = harness.unique_email("selfcheck")
    msg = EmailMessage()
    msg["From"] = "regdesk@example.test"
    msg["To"] = f"山田 太郎 <{to}>"
    # Short on purpose: Python's own header folder drops a space between two
    # encoded-words (sender-side), which is not what this test is about.
    msg["Subject"] = "【登録完了】オンライン勉強会のご案内 ✓"
    msg.set_content("受付番号: A-0001\n")
    with smtplib.SMTP(smtp.hostname, smtp.port, timeout=10) as s:
        s.send_message(msg)

    got = harness.poll(lambda: harness.maildir_messages(to=to), what=f"mail to {to}")
    assert len(got) == 1
    m = got[0]
    assert m["Subject"] == "【登録完了】オンライン勉強会のご案内 ✓"
    assert m["To"].addresses[0].display_name == "山田 太郎"
    assert m.get_content() == "受付番号: A-0001\n"
    # Filtering by recipient excludes it for anyone else.
    assert harness.maildir_messages(to=harness.unique_email("nobody")) == []


def test_private_servers_initialised_at_once_all_start():
    # Concurrent bootstraps sharing /tmp failed one time in four here (MariaDB
    # names its temporary tables there); each server now has a tmpdir of its own.
    servers = [harness.PrivateDb(f"selfcheck{i}") for i in range(4)]
    try:
        with concurrent.futures.ThreadPoolExecutor(len(servers)) as pool:
            list(pool.map(lambda s: s.start(), servers))
        for s in servers:
            assert s.query("SELECT @@tmpdir") == [(os.path.join(s.dir, "tmp"),)]
    finally:
        for s in servers:
            s.remove()
