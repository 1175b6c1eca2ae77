"""pytest fixtures for the black-box tests (see harness.py)."""

from __future__ import annotations

import pytest

import harness


def _require(*names: str) -> None:
    # Fail loudly, never skip: a missing environment is a broken test run.
    try:
        for name in names:
            harness.env_var(name)
    except harness.HarnessError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture
def private_db(request):
    """A MariaDB of this test's own (harness.PrivateDb), started, with an empty database named
    after the test module; removed at teardown."""
    _require("REGDESK_TEST_STACK_LIB")
    db = harness.PrivateDb(request.module.__name__.removeprefix("test_"))
    db.start()
    db.query(f"CREATE DATABASE {db.name} CHARACTER SET utf8mb4")
    yield db
    db.remove()


@pytest.fixture
def db_url() -> str:
    """A fresh, empty database for this test; its full mysql:// URL."""
    _require("REGDESK_TEST_DB_URL", "REGDESK_TEST_DB_ADMIN")
    return harness.new_database()


@pytest.fixture
def regdesk_factory():
    """regdesk_factory(db_url, env=None, args=("serve",)) -> an unstarted
    harness.Regdesk; call .run("migrate") / .start() on it. Every instance is
    stopped at teardown."""
    _require("REGDESK_TEST_DB_URL", "REGDESK_TEST_SMTP_URL", "REGDESK_TEST_MAILDIR")
    try:
        harness.regdesk_bin()
    except harness.HarnessError as e:
        pytest.fail(str(e), pytrace=False)
    made: list[harness.Regdesk] = []

    def make(db_url: str, env: dict | None = None, args=("serve",)) -> harness.Regdesk:
        rd = harness.Regdesk(db_url, env=env, args=args)
        made.append(rd)
        return rd

    yield make
    for rd in made:
        rd.stop()


@pytest.fixture
def seeded_service(db_url, regdesk_factory):
    """`regdesk serve` on a fresh database with the schema and the seed events
    (config/events), on the rehearsal clock at REHEARSAL_NOW (inside the symposium's window)."""
    from events import REHEARSAL_NOW, SEED_DIR

    rd = regdesk_factory(db_url, env={"REGDESK_NOW": REHEARSAL_NOW})
    rd.check("migrate")
    rd.check("events", "import", *sorted(str(p) for p in SEED_DIR.glob("*.json")))
    return rd


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # On failure, attach what every server of the test printed.
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for rd in list(harness._live):
        if rd.proc is not None:
            report.sections.append(
                (f"regdesk {' '.join(rd.args)} (port {rd.port}) output", rd.output()[-20000:])
            )
