"""Reading regdesk's mail back: links, tokens, the calendar file."""

from __future__ import annotations

import re

import harness

CANCEL_LINK = re.compile(r"https?://\S+/cancel\?token=([0-9a-f]{32}[A-Za-z0-9_-]{22})")
JOIN_LINK = re.compile(r"https?://\S+/join/([0-9a-f]{32}[A-Za-z0-9_-]{22})")


def wait_for_mail(address: str, count: int = 1, deadline_s: float = 20, root=None, subject_has=None):
    """The messages to ADDRESS once at least COUNT have arrived (optionally only those whose
    subject contains SUBJECT_HAS)."""
    def ready():
        msgs = harness.maildir_messages(to=address, root=root)
        if subject_has:
            msgs = [m for m in msgs if subject_has in str(m["Subject"])]
        return msgs if len(msgs) >= count else None
    return harness.poll(ready, deadline_s=deadline_s, what=f"{count} mail(s) to {address}")


def body_text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def ics_of(msg) -> str | None:
    for part in msg.iter_attachments():
        if part.get_content_type() == "text/calendar":
            data = part.get_content()
            return data.decode("utf-8") if isinstance(data, bytes) else data
    return None


def ics_properties(ics: str) -> dict:
    """Unfolds RFC 5545 lines and returns {NAME: value} (first occurrence, parameters dropped)."""
    unfolded = re.sub(r"\r\n[ \t]", "", ics)
    props = {}
    for line in unfolded.split("\r\n"):
        if ":" not in line:
            continue
        name, value = line.split(":", 1)
        props.setdefault(name.split(";", 1)[0], value)
    return props


def cancel_token(msg) -> str:
    m = CANCEL_LINK.search(body_text(msg))
    assert m, body_text(msg)
    return m.group(1)


def join_token(msg) -> str:
    m = JOIN_LINK.search(body_text(msg))
    assert m, body_text(msg)
    return m.group(1)
