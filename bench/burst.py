#!/usr/bin/python3
"""The sign-up burst for bench/run.sh: N concurrent clients race for a small event.

    /usr/bin/python3 bench/burst.py --url http://127.0.0.1:PORT --slug bench-1000 \
        [--clients 5000] [--seats 1000] [--db-socket SOCK --db-name NAME]

Every client opens its own connection first (all of them, before anyone sends), then all send
one sign-up with a unique address at once. Measured from the moment the first request is sent:
the time until the SEATS-th 201 arrived, and until every client had its answer. Counts 201s,
409 sold_out and anything else. With --db-socket/--db-name it also checks the database with the
mariadb client: SEATS confirmed rows, events.confirmed_count = SEATS, numbers 1..SEATS distinct.

Exits 0 only if exactly SEATS sign-ups were confirmed (and the database agrees, when asked).
The last line is machine-readable: "BURST {json}". Standard library only.
"""

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
import urllib.parse

BODY = ('{{"name":"バースト 花子","name_kana":"バースト ハナコ","email":"{email}",'
        '"organization":"ベンチマーク株式会社","department":"性能評価部",'
        '"category":"industry","locale":"ja","consent_privacy":true}}')


def raise_nofile(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    if soft != resource.RLIM_INFINITY and soft < needed:
        sys.exit(f"burst: RLIMIT_NOFILE is {soft}, need about {needed}")


class Burst:
    def __init__(self, host, port, slug, clients, seats, tag):
        self.host, self.port, self.slug = host, port, slug
        self.clients, self.seats, self.tag = clients, seats, tag
        self.go = asyncio.Event()
        self.connected = 0
        self.all_connected = asyncio.Event()
        self.first_sent = None
        self.last_sent = None
        self.seats_filled_at = None
        self.statuses = {}
        self.codes = {}
        self.created = 0
        self.errors = []
        self.answer_times = []

    def request_bytes(self, i):
        body = BODY.format(email=f"{self.tag}-{i}@burst.example.jp").encode()
        head = (f"POST /api/v1/events/{self.slug}/registrations HTTP/1.1\r\n"
                f"Host: {self.host}:{self.port}\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n").encode()
        return head + body

    async def client(self, i):
        payload = self.request_bytes(i)
        writer = None
        try:
            for attempt in range(5):
                try:
                    reader, writer = await asyncio.open_connection(self.host, self.port)
                    break
                except OSError as e:
                    if attempt == 4:
                        raise
                    await asyncio.sleep(0.2 * (attempt + 1))
            self.connected += 1
            if self.connected == self.clients:
                self.all_connected.set()
            await self.go.wait()
            now = time.perf_counter()
            if self.first_sent is None:
                self.first_sent = now
            writer.write(payload)
            await writer.drain()
            self.last_sent = time.perf_counter()
            status_line = await reader.readline()
            parts = status_line.split()
            if len(parts) < 2:
                raise ConnectionError(f"no status line (got {status_line!r})")
            status = int(parts[1])
            length = None
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            body = await (reader.readexactly(length) if length is not None else reader.read())
            t = time.perf_counter()
            self.answer_times.append(t)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            code = ""
            if status != 201:
                try:
                    code = json.loads(body).get("code", "")
                except ValueError:
                    code = "(not json)"
                key = f"{status} {code}"
                self.codes[key] = self.codes.get(key, 0) + 1
            else:
                self.created += 1
                if self.created == self.seats:
                    self.seats_filled_at = t
        except Exception as e:  # noqa: BLE001 - every failure is counted and reported
            self.errors.append(f"client {i}: {type(e).__name__}: {e}")
            if self.connected < self.clients and not self.go.is_set():
                self.connected += 1
                if self.connected == self.clients:
                    self.all_connected.set()
        finally:
            if writer is not None:
                writer.close()

    async def run(self, timeout):
        tasks = [asyncio.create_task(self.client(i)) for i in range(self.clients)]
        t_connect = time.perf_counter()
        try:
            await asyncio.wait_for(self.all_connected.wait(), timeout=30)
        except asyncio.TimeoutError:
            self.errors.append(f"only {self.connected} of {self.clients} connected in 30 s")
        connect_seconds = time.perf_counter() - t_connect
        self.go.set()
        done, pending = await asyncio.wait(tasks, timeout=timeout)
        for t in pending:
            t.cancel()
        if pending:
            self.errors.append(f"{len(pending)} clients had no answer after {timeout} s")
            await asyncio.gather(*pending, return_exceptions=True)
        return connect_seconds


def db_check(socket_path, db_name, slug, seats):
    def q(sql):
        out = subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={socket_path}", "-uroot", "-N", "-B",
             db_name, "-e", sql], check=True, capture_output=True, text=True).stdout
        return out.strip().split("\t")

    s = slug.replace("'", "''")
    rows, distinct, lo, hi = q(
        "SELECT COUNT(*), COUNT(DISTINCT r.number), COALESCE(MIN(r.number),0), "
        "COALESCE(MAX(r.number),0) FROM registrations r JOIN events e ON e.id = r.event_id "
        f"WHERE e.slug = '{s}' AND r.status = 'confirmed'")
    confirmed_count, waitlisted_count, capacity = q(
        f"SELECT confirmed_count, waitlisted_count, capacity FROM events WHERE slug = '{s}'")
    other = q("SELECT COUNT(*) FROM registrations r JOIN events e ON e.id = r.event_id "
              f"WHERE e.slug = '{s}' AND r.status <> 'confirmed'")[0]
    result = {
        "confirmed_rows": int(rows), "distinct_numbers": int(distinct),
        "min_number": int(lo), "max_number": int(hi),
        "events_confirmed_count": int(confirmed_count),
        "events_waitlisted_count": int(waitlisted_count), "capacity": int(capacity),
        "other_rows": int(other),
    }
    result["ok"] = (result["confirmed_rows"] == seats and result["distinct_numbers"] == seats
                    and result["min_number"] == 1 and result["max_number"] == seats
                    and result["events_confirmed_count"] == seats and result["other_rows"] == 0)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True, help="regdesk base URL, http://127.0.0.1:PORT")
    ap.add_argument("--slug", required=True)
    ap.add_argument("--clients", type=int, default=5000)
    ap.add_argument("--seats", type=int, default=1000)
    ap.add_argument("--tag", default="burst", help="address prefix (unique per run)")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--db-socket")
    ap.add_argument("--db-name")
    args = ap.parse_args()

    url = urllib.parse.urlsplit(args.url)
    raise_nofile(args.clients + 100)
    burst = Burst(url.hostname, url.port or 80, args.slug, args.clients, args.seats, args.tag)
    connect_seconds = asyncio.run(burst.run(args.timeout))

    t0 = burst.first_sent
    fill = (burst.seats_filled_at - t0) if burst.seats_filled_at and t0 else None
    total = (max(burst.answer_times) - t0) if burst.answer_times and t0 else None
    send_spread = (burst.last_sent - t0) if burst.last_sent and t0 else None
    sold_out = burst.codes.get("409 sold_out", 0)
    report = {
        "clients": args.clients, "seats": args.seats, "connect_seconds": round(connect_seconds, 3),
        "send_spread_seconds": round(send_spread, 3) if send_spread is not None else None,
        "fill_seconds": round(fill, 4) if fill is not None else None,
        "total_seconds": round(total, 4) if total is not None else None,
        "created_201": burst.created, "sold_out_409": sold_out,
        "answered": len(burst.answer_times),
        "other": {k: v for k, v in burst.codes.items() if k != "409 sold_out"},
        "client_errors": len(burst.errors),
    }
    ok = burst.created == args.seats
    print(f"burst: {args.clients} clients connected in {connect_seconds:.2f} s; "
          f"all requests sent within {send_spread if send_spread is not None else float('nan'):.3f} s")
    print(f"burst: {burst.created} x 201, {sold_out} x 409 sold_out, other: {report['other'] or 'none'}, "
          f"client errors: {len(burst.errors)}")
    if fill is not None:
        print(f"burst: seat {args.seats} confirmed {fill * 1000:.1f} ms after the first request")
    else:
        print(f"burst: only {burst.created} of {args.seats} seats were confirmed")
    if total is not None:
        print(f"burst: all {len(burst.answer_times)} answers within {total * 1000:.1f} ms")
    for e in burst.errors[:10]:
        print(f"burst: error: {e}", file=sys.stderr)
    if args.db_socket and args.db_name:
        try:
            db = db_check(args.db_socket, args.db_name, args.slug, args.seats)
        except (subprocess.CalledProcessError, ValueError) as e:
            db = {"ok": False, "error": str(e)}
        report["db"] = db
        print(f"burst: database: {json.dumps(db)}")
        ok = ok and db["ok"]
    report["ok"] = ok
    print("BURST " + json.dumps(report))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
