"""Event documents for black-box tests, built around the rehearsal instant."""

from __future__ import annotations

import copy
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED_DIR = REPO / "config" / "events"
SYMPOSIUM = "midnet-symposium-2024"
WEB_MEETING = "midnet-web-meeting-2024-03"
# Inside the symposium's sign-up window (2024-01-15 00:00 .. 2024-02-22 00:00 JST).
REHEARSAL_NOW = "2024-01-15T10:00:00+09:00"


def seed(slug: str) -> dict:
    return json.loads((SEED_DIR / f"{slug}.json").read_text(encoding="utf-8"))


def small_event(slug: str, capacity: int, waitlist: int = 0, **overrides) -> dict:
    """An event like the web meeting, open at REHEARSAL_NOW, with CAPACITY seats."""
    e = copy.deepcopy(seed(WEB_MEETING))
    e.update(slug=slug, capacity=capacity)
    e["registration"] = {"opens_at": "2024-01-01T00:00:00+09:00",
                         "closes_at": "2024-03-01T00:00:00+09:00"}
    e["waitlist"] = {"enabled": waitlist > 0, "capacity": waitlist}
    e.update(overrides)
    return e


def applicant(email: str, **overrides) -> dict:
    body = {
        "name": "山田 太郎",
        "name_kana": "やまだ たろう",
        "email": email,
        "organization": "テスト製薬株式会社",
        "department": "安全管理部",
        "category": "industry",
        "phone": "03-1234-5678",
        "question": "パネルディスカッションの資料は配布されますか？",
        "locale": "ja",
        "consent_privacy": True,
    }
    body.update(overrides)
    return body
