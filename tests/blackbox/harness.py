"""Harness for black-box tests that run the real regdesk binary.

Run the tests through ops/test (it starts a private MariaDB and an SMTP
catcher and exports the REGDESK_TEST_* variables this module reads), or by
hand with /usr/bin/python3 -m pytest tests/blackbox after exporting them.
Standard library only (plus pytest in conftest.py).

Synchronisation is by polling (poll()) or by reading the server's output,
never by sleeping.
"""

from __future__ import annotations

import atexit
import collections
import email.message
import email.parser
import email.policy
import email.utils
import itertools
import json as jsonlib
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Mapping
from http.client import HTTPConnection, HTTPException  # not "import http": http() is defined below
from pathlib import Path

# A fixed admin token for tests (64 hex digits, like var/admin-token).
ADMIN_TOKEN = "0123456789abcdef" * 4
# Public URL the service puts into mails and pages in tests. The real port is
# only known after start (port 0), so a fixed, recognisable value is used.
PUBLIC_URL = "http://regdesk.test"

_LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


class HarnessError(RuntimeError):
    """The test environment is missing or a helper command failed."""


def env_var(name: str) -> str:
    """The value of a REGDESK_TEST_*/REGDESK_BIN variable, or a clear error."""
    value = os.environ.get(name)
    if not value:
        raise HarnessError(
            f"{name} is not set: run the black-box tests through ops/test, which "
            "starts MariaDB and an SMTP catcher and exports REGDESK_TEST_DB_URL, "
            "REGDESK_TEST_DB_ADMIN, REGDESK_TEST_DB_DIR, REGDESK_TEST_DB_PORT, "
            "REGDESK_TEST_STACK_LIB, REGDESK_TEST_SMTP_URL, REGDESK_TEST_MAILDIR "
            "and REGDESK_BIN"
        )
    return value


def regdesk_bin() -> str:
    path = env_var("REGDESK_BIN")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise HarnessError(f"REGDESK_BIN={path} is not an executable file (build first)")
    return path


# ------------------------------------------------------------------ database

_db_counter = itertools.count(1)


def _admin_cmd() -> list[str]:
    return shlex.split(env_var("REGDESK_TEST_DB_ADMIN"))


def _mariadb(args: list[str], what: str) -> str:
    cmd = _admin_cmd() + ["--default-character-set=utf8mb4"] + args
    proc = subprocess.run(cmd, capture_output=True, timeout=60)
    if proc.returncode != 0:
        raise HarnessError(
            f"{what} failed (exit {proc.returncode}): "
            f"{proc.stderr.decode('utf-8', 'replace').strip()}"
        )
    return proc.stdout.decode("utf-8")


def new_database() -> str:
    """Create a uniquely named, empty utf8mb4 database; return its full URL."""
    name = f"rd_{os.getpid()}_{next(_db_counter)}_{secrets.token_hex(3)}"
    _mariadb(
        ["-e", f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"],
        f"CREATE DATABASE {name}",
    )
    return env_var("REGDESK_TEST_DB_URL") + name


def db_name(db_url: str) -> str:
    """The database name in a mysql:// URL (the last path segment)."""
    return urllib.parse.urlsplit(db_url).path.lstrip("/")


_UNESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"t": "\t", "n": "\n", "0": "\0", "\\": "\\"}


def _unbatch(field: str):
    # --batch escapes tab, newline, NUL and backslash, and prints NULL as NULL.
    if field == "NULL":
        return None
    return _UNESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), field)


def db_query(dbname: str, sql: str) -> list[tuple]:
    """Run SQL in database DBNAME (a name or a mysql:// URL); return the rows
    (of every result set, in order) as tuples of strings; SQL NULL is None."""
    if "://" in dbname:
        dbname = db_name(dbname)
    out = _mariadb(
        ["--batch", "--skip-column-names", "-D", dbname, "-e", sql], f"query on {dbname}"
    )
    return [tuple(_unbatch(f) for f in line.split("\t")) for line in out.splitlines()]


def stack(func: str, *args: str) -> None:
    """Call a function of ops/lib/stack.sh in a fresh bash, i.e.
    bash -c 'source $REGDESK_TEST_STACK_LIB; FUNC ARGS...', e.g.
    stack("db_start", some_dir, port) for a MariaDB of a test's own."""
    env_var("REGDESK_TEST_STACK_LIB")
    script = 'set -euo pipefail; source "$REGDESK_TEST_STACK_LIB"; "$@"'
    # The servers write to their own logs, so capturing output cannot hang.
    proc = subprocess.run(["bash", "-c", script, "bash", func, *args],
                          capture_output=True, timeout=120)
    if proc.returncode != 0:
        raise HarnessError(
            f"{func} {' '.join(args)} failed (exit {proc.returncode}):\n"
            + proc.stdout.decode("utf-8", "replace")
            + proc.stderr.decode("utf-8", "replace")
        )


_stack = stack  # the name test_outage.py uses


def db_stop() -> None:
    """Stop the test MariaDB (for outage tests); returns when it is gone."""
    _stack("db_stop", env_var("REGDESK_TEST_DB_DIR"))


def db_start() -> None:
    """Start the test MariaDB again, same dir and port; returns when it is up."""
    _stack("db_start", env_var("REGDESK_TEST_DB_DIR"), env_var("REGDESK_TEST_DB_PORT"))


def _smtp_port() -> str:
    port = urllib.parse.urlsplit(env_var("REGDESK_TEST_SMTP_URL")).port
    if port is None:
        raise HarnessError("REGDESK_TEST_SMTP_URL has no port")
    return str(port)


def smtp_stop() -> None:
    """Stop the SMTP catcher (for mail-outage tests)."""
    _stack("smtp_stop", env_var("REGDESK_TEST_MAILDIR"))


def smtp_start() -> None:
    """Start the SMTP catcher again on the same port and maildir."""
    maildir = env_var("REGDESK_TEST_MAILDIR")
    _stack("smtp_start", maildir, _smtp_port(), os.path.join(os.path.dirname(maildir), "smtp.log"))


# ------------------------------------------------------------------ polling


def poll(fn, deadline_s: float = 10, interval: float = 0.05, what: str = "condition",
         ignore: tuple = ()):
    """Call fn() until it returns something truthy and return that. Raise
    AssertionError naming WHAT after DEADLINE_S seconds. Exceptions of the
    types in IGNORE count as "not yet" (e.g. ConnectionError during a restart)."""
    end = time.monotonic() + deadline_s
    last = None
    while True:
        try:
            last = fn()
            if last:
                return last
        except ignore as e:  # noqa: PERF203 - retried on purpose
            last = e
        if time.monotonic() >= end:
            raise AssertionError(f"timed out after {deadline_s} s waiting for {what}; last: {last!r}")
        time.sleep(interval)


# ------------------------------------------------------------------ mail


def unique_email(prefix: str = "user", domain: str = "example.test") -> str:
    """An address no other test uses: the maildir is shared by parallel tests."""
    return f"{prefix}-{secrets.token_hex(6)}@{domain}"


def _to_addresses(msg) -> set[str]:
    addrs = set()
    for h in msg.get_all("To", []):
        group = getattr(h, "addresses", None)
        if group is not None:
            addrs.update(a.addr_spec.lower() for a in group)
        else:
            addrs.update(a.lower() for _, a in email.utils.getaddresses([str(h)]))
    return addrs


def maildir_messages(to: str | None = None, root: str | None = None) -> list[email.message.EmailMessage]:
    """Every message the SMTP catcher stored (new/ and cur/), oldest first,
    parsed with email.policy.default; only those whose To contains TO if given.
    ROOT: another maildir (a test's private SMTP server) instead of the shared one."""
    root = Path(root or env_var("REGDESK_TEST_MAILDIR"))
    files = []
    for sub in ("new", "cur"):
        try:
            with os.scandir(root / sub) as it:
                for entry in it:
                    if entry.is_file() and not entry.name.startswith("."):
                        try:
                            files.append((entry.stat().st_mtime_ns, entry.name, entry.path))
                        except FileNotFoundError:
                            pass
        except FileNotFoundError:
            pass
    parser = email.parser.BytesParser(policy=email.policy.default)
    want = to.lower() if to else None
    messages = []
    for _, _, path in sorted(files):
        try:
            with open(path, "rb") as f:
                msg = parser.parse(f)
        except FileNotFoundError:  # moved new/ -> cur/ meanwhile
            continue
        if want is not None and want not in _to_addresses(msg):
            continue
        messages.append(msg)
    return messages


# ------------------------------------------------------------------ HTTP


class Headers(Mapping):
    """Case-insensitive, read-only response headers; get_all() for repeats."""

    def __init__(self, items):
        self._items = list(items)
        self._map = {}
        for k, v in self._items:
            self._map.setdefault(k.lower(), v)

    def __getitem__(self, key):
        return self._map[key.lower()]

    def __contains__(self, key):
        return isinstance(key, str) and key.lower() in self._map

    def __iter__(self):
        return iter(self._map)

    def __len__(self):
        return len(self._map)

    def get_all(self, key):
        return [v for k, v in self._items if k.lower() == key.lower()]

    def __repr__(self):
        return f"Headers({self._items!r})"


class Response:
    def __init__(self, status: int, reason: str, headers: Headers, body: bytes):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self._json = None
        self._json_done = False

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        if not self._json_done:
            self._json = jsonlib.loads(self.body.decode("utf-8"))
            self._json_done = True
        return self._json

    def __repr__(self):
        return f"<Response {self.status} {self.text[:200]!r}>"


def _quote_path(path: str) -> str:
    # http.client sends the request line as ASCII: percent-encode the rest.
    return "".join(c if ord(c) < 128 else urllib.parse.quote(c, safe="") for c in path)


def http(base_url: str, method: str, path: str, body=None, headers=None, raw_body=None,
         timeout: float = 10) -> Response:
    """One HTTP request on a fresh connection. BODY is sent as JSON
    (ensure_ascii=False, Content-Type application/json unless HEADERS set one);
    RAW_BODY (bytes or str) is sent as is. Never raises on 4xx/5xx."""
    u = urllib.parse.urlsplit(base_url)
    conn = HTTPConnection(u.hostname, u.port or 80, timeout=timeout)
    hdrs = dict(headers or {})
    data = None
    if body is not None:
        data = jsonlib.dumps(body, ensure_ascii=False).encode("utf-8")
        if not any(k.lower() == "content-type" for k in hdrs):
            hdrs["Content-Type"] = "application/json"
    elif raw_body is not None:
        data = raw_body.encode("utf-8") if isinstance(raw_body, str) else raw_body
    prefix = u.path.rstrip("/")
    try:
        conn.request(method, _quote_path(prefix + path), body=data, headers=hdrs)
        resp = conn.getresponse()
        payload = resp.read()
        return Response(resp.status, resp.reason, Headers(resp.getheaders()), payload)
    finally:
        conn.close()


# ------------------------------------------------------------------ the service

_live: set = set()


class Regdesk:
    """One regdesk process (or one-shot commands) against DB_URL.

    ENV entries override the defaults below (a value of None removes the
    variable); ARGS are the arguments start() runs (default: serve)."""

    def __init__(self, db_url: str, env: dict | None = None, args=("serve",)):
        self.db_url = db_url
        self.env = dict(env or {})
        self.args = tuple(args)
        self.admin_token = ADMIN_TOKEN
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.base_url: str | None = None
        self._buf: list[str] = []
        self._lock = threading.Lock()
        self._listening = threading.Event()
        self._reader: threading.Thread | None = None

    # -- environment

    def environ(self, extra: dict | None = None) -> dict:
        env = dict(os.environ)
        env.update(
            REGDESK_LISTEN="127.0.0.1:0",
            REGDESK_DB_URL=self.db_url,
            REGDESK_SMTP_URL=env_var("REGDESK_TEST_SMTP_URL"),
            REGDESK_ADMIN_TOKEN=self.admin_token,
            REGDESK_PUBLIC_URL=PUBLIC_URL,
            REGDESK_RATE_LIMIT="0",
            REGDESK_WEB_ROOT=str(Path(__file__).resolve().parents[2] / "web"),
        )
        for overrides in (self.env, extra or {}):
            for k, v in overrides.items():
                if v is None:
                    env.pop(k, None)
                else:
                    env[k] = str(v)
        return env

    # -- one-shot commands

    def run(self, *args: str, env: dict | None = None, timeout: float = 60,
            input: bytes | str | None = None) -> subprocess.CompletedProcess:
        """Run `regdesk ARGS...` to completion (e.g. run("migrate"),
        run("events", "import", path)); output captured as text."""
        return subprocess.run(
            [regdesk_bin(), *map(str, args)], env=self.environ(env), capture_output=True,
            text=True, encoding="utf-8", errors="replace", timeout=timeout, input=input,
        )

    def check(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        """run(), but raise with the output if the command fails."""
        cp = self.run(*args, env=env)
        if cp.returncode != 0:
            raise HarnessError(
                f"regdesk {' '.join(map(str, args))} exited {cp.returncode}\n"
                f"--- stdout\n{cp.stdout}--- stderr\n{cp.stderr}"
            )
        return cp

    # -- the server

    def start(self, deadline_s: float = 20, ready: str | None = None) -> "Regdesk":
        """Start ARGS; wait for 'listening on ...' (or, for processes that serve no HTTP such
        as `worker`, for a line matching regex READY)."""
        if self.proc is not None and self.proc.poll() is None:
            raise HarnessError("already started")
        self._buf = []
        self._listening.clear()
        self.port = self.base_url = None
        # stderr merged into stdout: one pipe, drained by one thread, so the
        # service can never block on a full pipe.
        self.proc = subprocess.Popen(
            [regdesk_bin(), *self.args], env=self.environ(), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        _live.add(self)
        self._reader = threading.Thread(target=self._drain, args=(self.proc,), daemon=True)
        self._reader.start()
        if ready is not None:
            self.wait_output(ready, deadline_s)
            return self
        end = time.monotonic() + deadline_s
        while not self._listening.wait(0.05):
            if self.proc.poll() is not None:
                self._reader.join(5)
                raise HarnessError(
                    f"regdesk {' '.join(self.args)} exited with {self.proc.returncode} "
                    f"before listening; output:\n{self.output()}"
                )
            if time.monotonic() >= end:
                out = self.output()
                self.stop()
                raise HarnessError(
                    f"regdesk did not print 'listening on http://127.0.0.1:PORT' within "
                    f"{deadline_s} s; output:\n{out}"
                )
        self.base_url = f"http://127.0.0.1:{self.port}"
        return self

    def _drain(self, proc: subprocess.Popen) -> None:
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace")
            with self._lock:
                self._buf.append(line)
            if not self._listening.is_set():
                m = _LISTENING.search(line)
                if m:
                    self.port = int(m.group(1))
                    self._listening.set()
        proc.stdout.close()

    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        with self._lock:
            return "".join(self._buf)

    def wait_output(self, pattern: str, deadline_s: float = 10) -> re.Match:
        """Poll the output until regex PATTERN matches; return the match."""
        rx = re.compile(pattern)
        return poll(lambda: rx.search(self.output()), deadline_s, what=f"output matching {pattern!r}")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, deadline_s: float = 10) -> int | None:
        """SIGTERM, wait (SIGKILL after DEADLINE_S); return the exit status."""
        return self._end(signal.SIGTERM, deadline_s)

    def kill(self) -> int | None:
        """SIGKILL at once (a crash)."""
        return self._end(signal.SIGKILL, 10)

    def _end(self, sig, deadline_s) -> int | None:
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            try:
                proc.send_signal(sig)
                proc.wait(deadline_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if self._reader is not None:
            self._reader.join(5)
        _live.discard(self)
        return proc.returncode

    # -- conveniences

    def http(self, method: str, path: str, **kw) -> Response:
        if self.base_url is None:
            raise HarnessError("not started")
        return http(self.base_url, method, path, **kw)

    def __enter__(self) -> "Regdesk":
        if not self.running:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class SignUpLoad:
    """CLIENTS threads signing up at BASE_URL (a service, nginx) for event SLUG until the
    `with` block ends, each with a fresh address and BODY_FOR(address) as the body. Records
    every 201 as (id, when) and counts every answer by `label` (the status; a 409 with its
    code); an answer that never came (refused, reset, cut off) is counted by its exception's
    type, so tests can fail on it.
    Subclasses may add threads (`extra_threads`) and override `label`."""

    def __init__(self, base_url: str, slug: str, body_for, clients: int = 6,
                 prefix: str = "load"):
        self.base_url, self.slug, self._body_for, self._prefix = base_url, slug, body_for, prefix
        self.confirmed: list[tuple[str, float]] = []
        self.statuses: collections.Counter = collections.Counter()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._sign_up) for _ in range(clients)]
        self._threads += [threading.Thread(target=t) for t in self.extra_threads()]

    def extra_threads(self) -> list:
        return []

    def label(self, r: "Response"):
        return f"409 {r.json().get('code')}" if r.status == 409 else r.status

    def _sign_up(self) -> None:
        while not self._stop.is_set():
            try:
                r = http(self.base_url, "POST", f"/api/v1/events/{self.slug}/registrations",
                         body=self._body_for(unique_email(self._prefix)), timeout=30)
            except (OSError, HTTPException) as e:
                self.statuses[type(e).__name__] += 1
                continue
            self.statuses[self.label(r)] += 1
            if r.status == 201:
                self.confirmed.append((r.json()["id"], time.monotonic()))

    def __enter__(self) -> "SignUpLoad":
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(60)

    def ids(self) -> set[str]:
        return {i for i, _ in self.confirmed}

    def wait_for(self, n: int, what: str, deadline_s: float = 60) -> None:
        """Until N sign-ups in all have been confirmed."""
        poll(lambda: len(self.confirmed) >= n, deadline_s=deadline_s, what=what)

    def wait_for_more(self, n: int, what: str, deadline_s: float = 60) -> None:
        """Until N more than now have been confirmed."""
        self.wait_for(len(self.confirmed) + n, what, deadline_s)

    def all_stored(self, db_url: str) -> bool:
        """Every 201 once, and each a confirmed row."""
        stored = {r[0] for r in db_query(
            db_url, "SELECT public_id FROM registrations WHERE status = 'confirmed'")}
        return len(self.ids()) == len(self.confirmed) and self.ids() <= stored


@atexit.register
def _stop_leftovers() -> None:
    # Never leave a server behind, whatever happened to the test session.
    for rd in list(_live):
        try:
            rd.kill()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


def free_port() -> int:
    """A free port from ops/lib/stack.sh's free_port (below the ephemeral range, reserved
    for this run), so a stopped server's port is still free when it restarts."""
    script = 'set -euo pipefail; source "$REGDESK_TEST_STACK_LIB"; free_port'
    env_var("REGDESK_TEST_STACK_LIB")
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30,
                         check=True).stdout
    return int(out.split()[-1])


def port_query(port: str, sql: str) -> list[tuple]:
    """SQL as the regdesk user on a server of a test's own (127.0.0.1:PORT); rows as tuples."""
    out = subprocess.run(["mariadb", "--no-defaults", "-h127.0.0.1", f"-P{port}", "-uregdesk",
                          "-pregdesk", "--batch", "--skip-column-names", "-e", sql],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return [tuple(line.split("\t")) for line in out.splitlines()]


class PrivateDb:
    """A MariaDB of a test's own (ops/lib/stack.sh in DIR on PORT), for tests that stop or
    kill it without disturbing the suites running beside them; database NAME in it."""

    def __init__(self, name: str):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix=f"rd-{name}-", dir="/tmp")
        self.port = str(free_port())
        self.url = f"mysql://regdesk:regdesk@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        stack("db_start", self.dir, self.port)

    def stop(self) -> None:
        stack("db_stop", self.dir)

    def pid(self) -> int:
        with open(os.path.join(self.dir, "p.pid"), encoding="ascii") as f:
            return int(f.read().strip())

    def query(self, sql: str) -> list[tuple]:
        return port_query(self.port, sql)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
