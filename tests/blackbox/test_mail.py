"""Mail through the real SMTP server: what arrives, how it decodes, the links in it, and that
nothing is lost or sent twice when the relay or a worker fails."""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

import harness
from events import REHEARSAL_NOW, SEED_DIR, SYMPOSIUM, applicant, small_event
from mailtools import body_text, cancel_token, ics_of, ics_properties, join_token, wait_for_mail

ADMIN = {"Authorization": f"Bearer {harness.ADMIN_TOKEN}"}
JST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime.fromisoformat(REHEARSAL_NOW)


def iso(t: dt.datetime) -> str:
    return t.astimezone(JST).isoformat()


@pytest.fixture
def service(db_url, regdesk_factory):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW})
    rd.check("migrate")
    rd.check("events", "import", str(SEED_DIR / f"{SYMPOSIUM}.json"))
    return rd.start()


def signup(rd, slug, body):
    r = harness.http(rd.base_url, "POST", f"/api/v1/events/{slug}/registrations", body=body)
    assert r.status == 201, r
    return r.json()


def put_event(rd, event):
    r = harness.http(rd.base_url, "PUT", f"/api/v1/admin/events/{event['slug']}", body=event, headers=ADMIN)
    assert r.status in (200, 201), r
    return r


def soon_event(slug, starts_in, duration=dt.timedelta(hours=2), **kw):
    """An event starting STARTS_IN after the rehearsal instant, window open now."""
    e = small_event(slug, capacity=kw.pop("capacity", 10), waitlist=kw.pop("waitlist", 0))
    start = NOW + starts_in
    e["starts_at"], e["ends_at"] = iso(start), iso(start + duration)
    e["registration"] = {"opens_at": iso(NOW - dt.timedelta(days=1)), "closes_at": iso(start)}
    e.update(kw)
    return e


def test_confirmation_arrives_in_japanese_with_calendar_and_cancel_link(service):
    address = harness.unique_email("conf")
    reg = signup(service, SYMPOSIUM, applicant(address))
    [msg] = wait_for_mail(address)
    assert str(msg["Subject"]) == "【受付完了】MID-NET®シンポジウム 2024"
    assert msg["Reply-To"].addresses[0].addr_spec == "wakaru-midnet@pmda.go.jp"
    assert msg["Message-ID"] and msg["Date"]
    body = body_text(msg)
    assert "山田 太郎" in body and str(reg["number"]) in body
    assert "2024年2月28日(水) 14:00〜17:00（日本時間）" in body
    assert "/join/" not in body  # the personal join link comes in its own mail
    token = cancel_token(msg)
    ics = ics_of(msg)
    assert ics is not None
    props = ics_properties(ics)
    assert props["METHOD"] == "PUBLISH"
    assert props["DTSTART"] == "20240228T050000Z" and props["DTEND"] == "20240228T080000Z"
    assert props["UID"].startswith(SYMPOSIUM)
    assert "/join/" not in ics
    # The token opens the registration, and nothing else about it leaks.
    me = harness.http(service.base_url, "GET", f"/api/v1/registrations/self?token={token}")
    assert me.status == 200 and me.json()["id"] == reg["id"] and me.json()["status"] == "confirmed"
    # A second registrant's calendar file has the same UID (one per event).
    other = harness.unique_email("conf2")
    signup(service, SYMPOSIUM, applicant(other, locale="en"))
    [msg2] = wait_for_mail(other)
    assert "MID-NET® Symposium 2024" in str(msg2["Subject"])
    assert ics_properties(ics_of(msg2))["UID"] == props["UID"]


def test_cancel_page_never_cancels_on_get_and_the_api_does(service):
    address = harness.unique_email("cancel")
    signup(service, SYMPOSIUM, applicant(address))
    token = cancel_token(wait_for_mail(address)[0])
    page = harness.http(service.base_url, "GET", f"/cancel?token={token}")
    assert page.status == 200 and "<form" in page.text and 'method="post"' in page.text
    assert harness.http(service.base_url, "GET", f"/api/v1/registrations/self?token={token}").json()["status"] == "confirmed"

    r = harness.http(service.base_url, "POST", "/api/v1/registrations/cancel", body={"token": token})
    assert r.status == 200 and r.json()["status"] == "cancelled"
    cancelled = wait_for_mail(address, subject_has="キャンセル")
    assert cancelled
    again = harness.http(service.base_url, "POST", "/api/v1/registrations/cancel", body={"token": token})
    assert again.status == 200 and again.json()["already_cancelled"] is True
    seats = harness.http(service.base_url, "GET", f"/api/v1/events/{SYMPOSIUM}").json()["registration"]
    assert seats["seats_remaining"] == 1000
    bad = harness.http(service.base_url, "POST", "/api/v1/registrations/cancel", body={"token": "x" * 22})
    assert bad.status == 404
    # The registration's id with a made-up HMAC is no token.
    forged = harness.http(service.base_url, "POST", "/api/v1/registrations/cancel",
                          body={"token": token[:32] + "A" * 22})
    assert forged.status == 404
    # The same person may sign up again after cancelling.
    assert harness.http(service.base_url, "POST", f"/api/v1/events/{SYMPOSIUM}/registrations",
                        body=applicant(address)).status == 201


def test_cancel_page_button_cancels(service):
    address = harness.unique_email("button")
    signup(service, SYMPOSIUM, applicant(address))
    token = cancel_token(wait_for_mail(address)[0])
    r = harness.http(service.base_url, "POST", "/cancel", raw_body=f"token={token}",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200 and "キャンセルを受け付けました" in r.text
    assert harness.http(service.base_url, "GET", f"/api/v1/registrations/self?token={token}").json()["status"] == "cancelled"


def test_cancellation_promotes_the_waitlist_with_mail(service):
    put_event(service, small_event("promo", capacity=1, waitlist=2))
    first, second = harness.unique_email("first"), harness.unique_email("second")
    signup(service, "promo", applicant(first))
    w = signup(service, "promo", applicant(second, waitlist=True))
    assert w["status"] == "waitlisted"
    [waitlisted] = wait_for_mail(second)
    assert "キャンセル待ち" in str(waitlisted["Subject"])
    assert ics_of(waitlisted) is None
    token = cancel_token(wait_for_mail(first)[0])
    r = harness.http(service.base_url, "POST", "/api/v1/registrations/cancel", body={"token": token})
    assert r.status == 200
    promoted = wait_for_mail(second, count=2)[-1]
    assert "参加確定" in str(promoted["Subject"]) and ics_of(promoted) is not None
    rows = harness.db_query(service.db_url,
                            "SELECT email_key, status FROM registrations ORDER BY number")
    assert rows == [(None, "cancelled"), (second, "confirmed")]
    # The freed seat was taken at once: the sold-out answer from memory was forgotten.
    third = harness.unique_email("third")
    r = harness.http(service.base_url, "POST", "/api/v1/events/promo/registrations", body=applicant(third))
    assert r.status == 409 and r.json()["code"] == "sold_out"


def test_late_signup_gets_the_meeting_link_at_once_and_join_redirects(service):
    # Starts in 20 minutes: the meeting-link time (2 days before) has passed, join is open.
    e = soon_event("starting-soon", dt.timedelta(minutes=20))
    e["meeting"] = {"url": "https://meet.example.jp/j/123", "passcode": "4242", "join_opens_minutes_before": 30}
    e["mail"] = {"meeting_link_before": "P2D", "reminders_before": ["P1D", "PT1H"]}
    put_event(service, e)
    address = harness.unique_email("late")
    reg = signup(service, "starting-soon", applicant(address))
    link_mail = wait_for_mail(address, subject_has="参加URL")[0]
    assert "4242" in body_text(link_mail)
    token = join_token(link_mail)
    # The link shows a page (mail scanners open links); its button's POST is the join.
    r = harness.http(service.base_url, "GET", f"/join/{token}")
    assert r.status == 200 and f'action="/join/{token}"' in r.text
    r = harness.http(service.base_url, "POST", f"/join/{token}", raw_body="")
    assert r.status == 303 and r.headers["Location"] == "https://meet.example.jp/j/123"
    joined = harness.db_query(service.db_url,
                              f"SELECT first_joined_at IS NOT NULL FROM registrations WHERE public_id='{reg['id']}'")
    assert joined == [("1",)]
    # Reminders whose moment has passed are not sent late.
    kinds = harness.db_query(service.db_url, "SELECT kind FROM outbox ORDER BY id")
    assert ("reminder",) not in kinds
    assert harness.http(service.base_url, "GET", "/join/" + "A" * 22).status == 404


def test_signup_queues_only_what_is_due_now(service):
    e = soon_event("next-week", dt.timedelta(days=7))
    e["mail"] = {"meeting_link_before": "P2D", "reminders_before": ["P1D", "PT1H"]}
    put_event(service, e)
    address = harness.unique_email("early")
    reg = signup(service, "next-week", applicant(address))
    wait_for_mail(address)  # the confirmation
    rows = harness.db_query(service.db_url,
                            "SELECT kind FROM outbox WHERE registration_public_id = '%s'" % reg["id"])
    # The meeting link and reminders are queued when they come due, not in the sign-up rush.
    assert rows == [("confirmation",)]


def test_scheduled_mail_is_queued_when_due_and_sent_once(db_url, regdesk_factory):
    first = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW})
    first.check("migrate")
    first.start()
    e = soon_event("scheduled", dt.timedelta(days=3))
    e["mail"] = {"meeting_link_before": "P2D", "reminders_before": ["P1D"]}
    put_event(first, e)
    early = harness.unique_email("sched")
    signup(first, "scheduled", applicant(early))
    wait_for_mail(early)
    first.stop()
    start = NOW + dt.timedelta(days=3)

    # Past the meeting-link time, before the reminder's, with two processes (two workers).
    later = iso(start - dt.timedelta(days=2) + dt.timedelta(hours=1))
    a = regdesk_factory(db_url, env={"REGDESK_NOW": later}).start()
    b = regdesk_factory(db_url, env={"REGDESK_NOW": later}).start()
    link = wait_for_mail(early, subject_has="参加URL")
    join = join_token(link[0])
    page = harness.http(a.base_url, "GET", f"/join/{join}")
    assert page.status == 200 and "有効になります" in page.text
    # Someone confirmed now, after the link's time, gets it at once from the sign-up itself.
    late = harness.unique_email("late")
    signup(a, "scheduled", applicant(late))
    wait_for_mail(late, subject_has="参加URL")
    harness.poll(lambda: harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE state='sent'") == [("4",)],
                 what="confirmations and meeting links sent")
    assert harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE kind='reminder'") == [("0",)]
    assert b.running
    a.stop()
    b.stop()

    # Past the reminder's time: everyone confirmed by then gets exactly one reminder.
    remind = iso(start - dt.timedelta(days=1) + dt.timedelta(minutes=5))
    c = regdesk_factory(db_url, env={"REGDESK_NOW": remind}).start()
    for address in (early, late):
        wait_for_mail(address, subject_has="リマインド")
    harness.poll(lambda: harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE state='sent'") == [("6",)],
                 what="reminders sent")
    for address in (early, late):
        assert len(harness.maildir_messages(to=address)) == 3  # confirmation, link, reminder
    runs = harness.db_query(db_url, "SELECT dedupe_key, queued FROM schedule_runs ORDER BY due_at")
    assert runs == [("meeting_link", "1"), ("reminder:P1D", "2")]
    assert c.running


def relay_config(tmp_path, **extra):
    cfg = {"mail": {"poll_milliseconds": 50, **extra.pop("mail", {})}, **extra}
    path = tmp_path / "regdesk.json"
    path.write_text(json.dumps(cfg))
    return str(path)


@pytest.fixture
def private_relay():
    """A private aiosmtpd on a reserved port; start() and stop() it at will."""
    root = tempfile.mkdtemp(prefix="rd-relay-")
    port = harness.free_port()

    class Relay:
        url = f"smtp://127.0.0.1:{port}"
        maildir = root
        proc = None

        def start(self):
            harness.stack("smtp_start", root, str(port))

        def stop(self):
            harness.stack("smtp_stop", root)

    relay = Relay()
    yield relay
    relay.stop()
    shutil.rmtree(root, ignore_errors=True)


def test_relay_outage_loses_nothing_and_sends_nothing_twice(db_url, regdesk_factory, private_relay, tmp_path):
    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW, "REGDESK_SMTP_URL": private_relay.url},
                         args=("--config", relay_config(tmp_path), "serve"))
    rd.check("migrate")
    rd.check("events", "import", str(SEED_DIR / f"{SYMPOSIUM}.json"))
    rd.start()
    addresses = [harness.unique_email(f"outage{i}") for i in range(5)]
    for a in addresses:
        signup(rd, SYMPOSIUM, applicant(a))
    # The relay is down: every mail stays queued with its error, none is lost.
    # (when a batch finds the relay unreachable, the rest of it goes back untried in one go)
    harness.poll(lambda: harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'"
                                                  " AND state = 'queued' AND last_error IS NOT NULL")
                 == [("5",)], what="five mails back in the queue with the relay's error")
    private_relay.start()
    for a in addresses:
        wait_for_mail(a, root=private_relay.maildir, deadline_s=40)
    harness.poll(lambda: harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE state='sent'") == [("5",)],
                 what="all marked sent")
    for a in addresses:
        assert len(harness.maildir_messages(to=a, root=private_relay.maildir)) == 1


def serve_without_worker(db_url, regdesk_factory, relay, cfg):
    """serve with its worker off (CFG says so), the seed symposium loaded, RELAY started.
    Returns (the service, the environment for workers of the same setup)."""
    relay.start()
    env = {"REGDESK_NOW": REHEARSAL_NOW, "REGDESK_SMTP_URL": relay.url}
    rd = regdesk_factory(db_url, env=env, args=("--config", cfg, "serve"))
    rd.check("migrate")
    rd.check("events", "import", str(SEED_DIR / f"{SYMPOSIUM}.json"))
    return rd.start(), env


def queue_without_sending(db_url, regdesk_factory, relay, cfg, prefix, n):
    """serve with its worker off: N sign-ups owe their confirmations and nothing is sent.
    Returns (the addresses, the environment for workers of the same setup)."""
    rd, env = serve_without_worker(db_url, regdesk_factory, relay, cfg)
    addresses = [harness.unique_email(f"{prefix}{i}") for i in range(n)]
    for a in addresses:
        signup(rd, SYMPOSIUM, applicant(a))
    # Each sign-up owes its confirmation by its own row, stored with it; a worker queues it in
    # the outbox (the meeting link and reminders come later). The organiser sees it queued.
    assert harness.db_query(db_url, "SELECT COUNT(*) FROM registrations WHERE confirmation_owed") == [(str(n),)]
    assert harness.db_query(db_url, "SELECT COUNT(*) FROM outbox") == [("0",)]
    mail = harness.http(rd.base_url, "GET", f"/api/v1/admin/events/{SYMPOSIUM}/mail", headers=ADMIN)
    assert mail.status == 200 and mail.json()["counts"] == {"queued": n}, mail
    return addresses, env


def test_two_workers_never_send_a_row_twice(db_url, regdesk_factory, private_relay, tmp_path):
    cfg = relay_config(tmp_path, worker={"enabled": False})
    addresses, env = queue_without_sending(db_url, regdesk_factory, private_relay, cfg, "pair", 60)
    w1 = regdesk_factory(db_url, env=env, args=("--config", cfg, "worker"))
    w2 = regdesk_factory(db_url, env=env, args=("--config", cfg, "worker"))
    for w in (w1, w2):
        w.start(ready=r"mail worker running")
    harness.poll(lambda: harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE state='sent'") == [("60",)],
                 deadline_s=60, what="60 mails sent")
    for a in addresses:
        assert len(harness.maildir_messages(to=a, root=private_relay.maildir)) == 1


def test_a_worker_that_died_after_claiming_does_not_lose_the_mail(db_url, regdesk_factory, private_relay, tmp_path):
    cfg = relay_config(tmp_path, worker={"enabled": False})
    rd, env = serve_without_worker(db_url, regdesk_factory, private_relay, cfg)
    address = harness.unique_email("orphan")
    signup(rd, SYMPOSIUM, applicant(address))
    # A worker queues the confirmation, finds the relay unreachable, and is killed.
    unreachable = {**env, "REGDESK_SMTP_URL": f"smtp://127.0.0.1:{harness.free_port()}"}
    first = regdesk_factory(db_url, env=unreachable, args=("--config", cfg, "worker"))
    first.start(ready=r"mail worker running")
    harness.poll(lambda: harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'"
                                                  " AND last_error IS NOT NULL") == [("1",)],
                 deadline_s=30, what="the confirmation queued and tried")
    first.kill()
    # As a worker leaves a row it claimed and then died: 'sending', its lease running out
    # two seconds into the rehearsal clock the next worker starts with.
    rehearsal_utc = NOW.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    harness.db_query(db_url, "UPDATE outbox SET state='sending', attempts=1,"
                             f" lease_until = TIMESTAMP('{rehearsal_utc}') + INTERVAL 2 SECOND"
                             " WHERE kind = 'confirmation'")
    worker = regdesk_factory(db_url, env=env, args=("--config", cfg, "worker"))
    worker.start(ready=r"mail worker running")
    [msg] = wait_for_mail(address, root=private_relay.maildir, deadline_s=30)
    assert "受付完了" in str(msg["Subject"])


def test_a_confirmation_queued_after_its_cancellation_is_never_sent(db_url, regdesk_factory, private_relay,
                                                                    tmp_path):
    cfg = relay_config(tmp_path, worker={"enabled": False})
    rd, env = serve_without_worker(db_url, regdesk_factory, private_relay, cfg)
    address = harness.unique_email("gone")
    reg = signup(rd, SYMPOSIUM, applicant(address))
    r = harness.http(rd.base_url, "POST", f"/api/v1/admin/events/{SYMPOSIUM}/registrations/{reg['id']}/cancel",
                     headers=ADMIN)
    assert r.status == 200, r
    # Cancelled before any worker ran: the owed confirmation is not queued. And one queued all the
    # same (a cluster's worker that read the row just before another node cancelled it) is
    # dropped at sending time, not sent.
    harness.db_query(db_url, "INSERT INTO outbox (event_id, registration_public_id, kind, dedupe_key, due_at,"
                             " created_at) SELECT event_id, public_id, 'confirmation', 'raced', registered_at,"
                             f" registered_at FROM registrations WHERE public_id = '{reg['id']}'")
    worker = regdesk_factory(db_url, env=env, args=("--config", cfg, "worker"))
    worker.start(ready=r"mail worker running")
    [msg] = wait_for_mail(address, root=private_relay.maildir, deadline_s=30)
    assert "キャンセル" in str(msg["Subject"])
    harness.poll(lambda: harness.db_query(db_url, "SELECT kind, state FROM outbox ORDER BY id")
                 == [("cancellation", "sent"), ("confirmation", "cancelled")], deadline_s=30,
                 what="the raced confirmation dropped")
    assert harness.db_query(db_url, "SELECT COUNT(*) FROM registrations WHERE confirmation_owed") == [("1",)]
    assert len(harness.maildir_messages(to=address, root=private_relay.maildir)) == 1


def test_nothing_is_mailed_to_a_purged_registration(db_url, regdesk_factory, private_relay, tmp_path):
    cfg = relay_config(tmp_path, worker={"enabled": False})
    rd, env = serve_without_worker(db_url, regdesk_factory, private_relay, cfg)
    address = harness.unique_email("purged")
    reg = signup(rd, SYMPOSIUM, applicant(address))
    out = rd.check("purge", "--event", SYMPOSIUM)
    assert "purged the personal data of 1 registrations" in out.stdout
    # The purge took the owed confirmation with the address. And one queued all the same (a
    # worker whose queuing read the row just before the purge committed) is dropped, not tried.
    assert harness.db_query(db_url, "SELECT COUNT(*) FROM registrations WHERE confirmation_owed") == [("0",)]
    harness.db_query(db_url, "INSERT INTO outbox (event_id, registration_public_id, kind, dedupe_key, due_at,"
                             " created_at) SELECT event_id, public_id, 'confirmation', 'raced', registered_at,"
                             f" registered_at FROM registrations WHERE public_id = '{reg['id']}'")
    worker = regdesk_factory(db_url, env=env, args=("--config", cfg, "worker"))
    worker.start(ready=r"mail worker running")
    harness.poll(lambda: harness.db_query(db_url, "SELECT kind, state, last_error FROM outbox ORDER BY id")
                 == [("confirmation", "cancelled", "not sent: the registration's personal data was purged")],
                 deadline_s=30, what="the raced confirmation dropped")
    assert harness.maildir_messages(root=private_relay.maildir) == []


def test_messages_per_minute_paces_the_relay(db_url, regdesk_factory, private_relay, tmp_path):
    # A relay that takes at most 240 messages a minute: one every 250 ms, however many are due.
    cfg = relay_config(tmp_path, worker={"enabled": False}, smtp={"messages_per_minute": 240})
    addresses, env = queue_without_sending(db_url, regdesk_factory, private_relay, cfg, "paced", 5)
    worker = regdesk_factory(db_url, env=env, args=("--config", cfg, "worker"))
    worker.start(ready=r"mail worker running")
    harness.poll(lambda: harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE state='sent'") == [("5",)],
                 deadline_s=30, what="5 mails sent")
    # sent_at is the worker's clock after each send; the rehearsal clock runs in real time. The
    # pacing spaces the starts of sends 250 ms apart; a send that is slower than the next one
    # (a loaded machine) shortens the gap after it, so each gap is only bounded loosely and the
    # span of all five is what the pacing guarantees.
    sent = [dt.datetime.fromisoformat(r[0]) for r in harness.db_query(
        db_url, "SELECT DATE_FORMAT(sent_at, '%Y-%m-%dT%H:%i:%s.%f') FROM outbox"
                " WHERE state = 'sent' ORDER BY sent_at")]
    gaps = [(b - a).total_seconds() for a, b in zip(sent, sent[1:])]
    assert all(g >= 0.1 for g in gaps), gaps
    assert (sent[-1] - sent[0]).total_seconds() >= 0.9, gaps
    for a in addresses:
        assert len(harness.maildir_messages(to=a, root=private_relay.maildir)) == 1


@pytest.fixture
def slow_relay():
    """An aiosmtpd that takes a second to accept each message (tests/mail/smtp_test_server.py)."""
    root = tempfile.mkdtemp(prefix="rd-slow-relay-")
    port = harness.free_port()
    server = pathlib.Path(__file__).resolve().parent.parent / "mail" / "smtp_test_server.py"
    maildir = os.path.join(root, "maildir")  # Maildir() creates its folders only when it is new
    proc = subprocess.Popen(["/usr/bin/python3", str(server), "--port", str(port), "--maildir", maildir,
                             "--delay", "1"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert proc.stdout.readline().strip() == b"ready"

        class Relay:
            url = f"smtp://127.0.0.1:{port}"

            def start(self):
                pass  # already running

        Relay.maildir = maildir

        yield Relay()
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(root, ignore_errors=True)


def test_a_slow_relay_never_outlasts_the_claim(db_url, regdesk_factory, slow_relay, tmp_path):
    # Each message takes a second and the claim's lease is 6 s: a worker that kept sending a
    # 50-row batch would still be sending when its lease ran out, and the other worker would
    # take the same rows again. The rows it cannot finish in time go back to the queue first.
    cfg = relay_config(tmp_path, worker={"enabled": False}, smtp={"timeout_seconds": 2},
                       mail={"lease_seconds": 6, "batch_size": 50})
    addresses, env = queue_without_sending(db_url, regdesk_factory, slow_relay, cfg, "slow", 12)
    workers = [regdesk_factory(db_url, env=env, args=("--config", cfg, "worker")) for _ in range(2)]
    for w in workers:
        w.start(ready=r"mail worker running")
    harness.poll(lambda: harness.db_query(db_url, "SELECT COUNT(*) FROM outbox WHERE state='sent'") == [("12",)],
                 deadline_s=60, what="12 mails sent")
    for a in addresses:
        assert len(harness.maildir_messages(to=a, root=slow_relay.maildir)) == 1, a
    # Every row was sent in one attempt: none was taken twice.
    assert harness.db_query(db_url, "SELECT MAX(attempts) FROM outbox WHERE state='sent'") == [("1",)]
