#!/usr/bin/python3
"""The traffic and the measurements of bench/soak.sh (standard library only).

    soak.py --url URL --pid PID --db-socket SOCK --maildir DIR --minutes M --restart CMD...

For M minutes: sign-ups to a large event, sign-ups to a small one that is soon sold out (so
most answers are sold_out), the event pages, the public API, the organiser's export and stats,
at a steady modest rate (the soak is about staying flat, not about speed). Every 30 s it samples
regdesk's RSS, open file descriptors and threads, and the database's connections. Half way it
runs the restart command (the database stops and starts). At the end it waits for the outbox to
drain and checks that every confirmed person got exactly one confirmation.

Fails (exit 1) on a 5xx other than the 503s of the restart, on a confirmation missing or sent
twice, or on growth: RSS more than 25 % above its figure after the first five minutes, or open
descriptors, threads or database connections above their first figures by more than a margin.
The last line is machine-readable: "SOAK {json}".
"""

import argparse
import email.parser
import email.policy
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse

ADMIN = "0123456789abcdef" * 4
BODY = ('{{"name":"耐久 太郎","name_kana":"たいきゅう たろう","email":"{email}",'
        '"organization":"耐久試験株式会社","category":"industry","locale":"ja","consent_privacy":true}}')


# Mail not yet sent: queued or being sent, and confirmations still owed by registration rows
# (numbered from their event's mark: see sql/013_owed_confirmations.sql).
WAITING_MAIL = ("SELECT (SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'sending'))"
                " + (SELECT COUNT(*) FROM events e LEFT JOIN confirmation_marks m ON m.event_id = e.id"
                "    JOIN registrations r ON r.event_id = e.id AND r.number >= COALESCE(m.queued_below, 1)"
                "    WHERE r.confirmation_owed AND r.status = 'confirmed')")


def proc_figures(pid):
    status = open(f"/proc/{pid}/status").read()
    field = lambda name: int(next(l.split()[1] for l in status.splitlines() if l.startswith(name + ":")))
    return {"rss_kib": field("VmRSS"), "threads": field("Threads"),
            "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def db_connections(sock):
    out = subprocess.run(["mariadb", "--no-defaults", f"--socket={sock}", "-uroot", "-N", "-e",
                          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'regdesk'"],
                         capture_output=True, text=True, timeout=30)
    return int(out.stdout.strip()) if out.returncode == 0 else None


def db_value(sock, sql):
    out = subprocess.run(["mariadb", "--no-defaults", f"--socket={sock}", "-uroot", "-N", "bench", "-e", sql],
                         capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


class Traffic:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.lock = threading.Lock()
        self.counts = {}
        self.server_errors = []  # (when, status, path) of 5xx
        self.stop = threading.Event()
        self.n = 0

    def request(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            r.read()
            return r.status
        except OSError as e:
            return type(e).__name__
        finally:
            c.close()

    def count(self, kind, status, path):
        with self.lock:
            key = f"{kind} {status}"
            self.counts[key] = self.counts.get(key, 0) + 1
            if isinstance(status, int) and status >= 500:
                self.server_errors.append((time.monotonic(), status, path))

    def next_email(self, tag):
        with self.lock:
            self.n += 1
            return f"soak-{tag}-{self.n}@bench.example.jp"

    def loop(self, kind, interval, make):
        while not self.stop.is_set():
            start = time.monotonic()
            method, path, body, headers = make()
            self.count(kind, self.request(method, path, body, headers), path)
            self.stop.wait(max(0, interval - (time.monotonic() - start)))

    def run(self, threads):
        ts = [threading.Thread(target=self.loop, args=t, daemon=True) for t in threads]
        for t in ts:
            t.start()
        return ts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--db-socket", required=True)
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--minutes", type=float, required=True)
    ap.add_argument("--restart", nargs=argparse.REMAINDER, required=True)
    a = ap.parse_args()

    t = Traffic(a.url)
    json_h = {"Content-Type": "application/json"}
    admin_h = {"Authorization": f"Bearer {ADMIN}"}
    signup = lambda slug, tag: lambda: ("POST", f"/api/v1/events/{slug}/registrations",
                                         BODY.format(email=t.next_email(tag)).encode(), json_h)
    plan = [
        ("signup", 0.1, signup("soak-large", "l")),            # ~10/s per thread
        ("signup", 0.1, signup("soak-large", "m")),
        ("sold_out", 0.05, signup("soak-small", "s")),
        ("page", 0.2, lambda: ("GET", "/events/soak-large", None, {})),
        ("api", 0.2, lambda: ("GET", "/api/v1/events/soak-large", None, {})),
        ("stats", 2.0, lambda: ("GET", "/api/v1/admin/events/soak-large/stats", None, admin_h)),
        ("export", 30.0, lambda: ("GET", "/api/v1/admin/events/soak-small/registrations?format=xlsx", None, admin_h)),
    ]
    started = time.monotonic()
    end = started + a.minutes * 60
    restart_at = started + a.minutes * 30
    samples = []
    threads = t.run(plan)
    restart_window = None
    next_sample = started
    while time.monotonic() < end:
        now = time.monotonic()
        if now >= next_sample:
            s = proc_figures(a.pid)
            s["db_connections"] = db_connections(a.db_socket)
            s["minute"] = round((now - started) / 60, 1)
            samples.append(s)
            print(f"soak: {json.dumps(s)}", file=sys.stderr, flush=True)
            next_sample += 30
        if restart_window is None and now >= restart_at:
            r0 = time.monotonic()
            subprocess.run(a.restart, check=True, timeout=300)
            restart_window = (r0, time.monotonic() + 30)  # 503s until the pool is back
            print(f"soak: database restarted in {time.monotonic() - r0:.1f} s", file=sys.stderr, flush=True)
        time.sleep(1)
    t.stop.set()
    for th in threads:
        th.join(60)

    # Every confirmed person gets exactly one confirmation (the worker queues what is owed and
    # drains the outbox).
    confirmed = int(db_value(a.db_socket, "SELECT COUNT(*) FROM registrations WHERE status = 'confirmed'"))
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        waiting = int(db_value(a.db_socket, WAITING_MAIL))
        if waiting == 0:
            break
        time.sleep(2)
    parser = email.parser.BytesParser(policy=email.policy.default)
    per_address = {}
    for sub in ("new", "cur"):
        d = os.path.join(a.maildir, sub)
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                msg = parser.parse(f, headersonly=True)
            if "受付完了" not in str(msg["Subject"]):
                continue
            to = str(msg["To"]).split("<")[-1].rstrip(">").strip()
            per_address[to] = per_address.get(to, 0) + 1
    twice = sum(1 for n in per_address.values() if n > 1)
    sent = sum(per_address.values())
    failed = int(db_value(a.db_socket, "SELECT COUNT(*) FROM outbox WHERE state = 'failed'"))

    allowed = [e for e in t.server_errors
               if e[1] == 503 and restart_window and restart_window[0] <= e[0] <= restart_window[1]]
    bad = [e for e in t.server_errors if e not in allowed]
    first = samples[min(len(samples) - 1, 10)]  # after five minutes: caches and pools are warm
    last = samples[-1]
    problems = []
    if bad:
        problems.append(f"{len(bad)} server errors outside the restart: {bad[:5]}")
    if sent != confirmed or twice:
        problems.append(f"{confirmed} confirmed, {sent} confirmations in the maildir, {twice} addresses twice")
    if last["rss_kib"] > first["rss_kib"] * 1.25:
        problems.append(f"RSS grew from {first['rss_kib']} to {last['rss_kib']} KiB")
    if last["fds"] > samples[0]["fds"] + 20:
        problems.append(f"descriptors grew from {samples[0]['fds']} to {last['fds']}")
    if last["threads"] > samples[0]["threads"] + 4:
        problems.append(f"threads grew from {samples[0]['threads']} to {last['threads']}")
    if (last["db_connections"] or 0) > (samples[0]["db_connections"] or 0) + 8:
        problems.append(f"database connections grew from {samples[0]['db_connections']} to {last['db_connections']}")
    result = {"minutes": a.minutes, "counts": t.counts, "restart_503": len(allowed),
              "confirmed": confirmed, "confirmations": sent, "twice": twice, "failed_mail": failed,
              "start": samples[0], "after_5_min": first, "end": last,
              "max_rss_kib": max(s["rss_kib"] for s in samples), "problems": problems}
    print("SOAK " + json.dumps(result, ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
