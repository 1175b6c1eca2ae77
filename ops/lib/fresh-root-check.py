#!/usr/bin/python3
"""Checks a freshly started `ops/run` end to end, as a newcomer would try it.

Usage: fresh-root-check.py PORT MAILDIR

/readyz answers 200, a sign-up for the seed symposium (rehearsal clock inside
its window) answers 201 confirmed, and its confirmation lands in MAILDIR/new.
Standard library only: it runs inside ops/test-fresh-root's minimal root.
"""

import email
import email.policy
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

DEADLINE_SECONDS = 60


def poll(what, probe):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            sys.exit(f"fresh-root-check: {what} not seen within {DEADLINE_SECONDS} s")
        time.sleep(0.2)


def main():
    port, maildir = int(sys.argv[1]), Path(sys.argv[2])
    base = f"http://127.0.0.1:{port}"

    def ready():
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=5) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    poll("/readyz 200", ready)

    address = f"fresh-root-{int(time.time())}@example.jp"
    body = {
        "name": "山田 太郎", "name_kana": "やまだ たろう", "email": address,
        "organization": "テスト製薬", "department": "安全管理部",
        "category": "industry", "locale": "ja", "consent_privacy": True,
    }
    request = urllib.request.Request(
        f"{base}/api/v1/events/midnet-symposium-2024/registrations",
        data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            status, answer = r.status, json.load(r)
    except urllib.error.HTTPError as e:
        sys.exit(f"fresh-root-check: sign-up answered {e.code}: {e.read()[:500]!r}")
    if status != 201 or answer.get("status") != "confirmed":
        sys.exit(f"fresh-root-check: sign-up answered {status} {answer}")

    def confirmation():
        for path in (maildir / "new").glob("*"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message.get("To", "")):
                return path
        return None

    path = poll(f"confirmation mail to {address} in {maildir}/new", confirmation)
    print(f"fresh-root-check: /readyz 200, sign-up 201 number {answer.get('number')}, "
          f"mail {path.name}")


if __name__ == "__main__":
    main()
