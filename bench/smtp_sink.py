#!/usr/bin/python3
"""The SMTP sink for bench/mail.sh: aiosmtpd that accepts every message and counts it.

    /usr/bin/python3 bench/smtp_sink.py --port P --control-port C --mode discard
    /usr/bin/python3 bench/smtp_sink.py --port P --control-port C --mode maildir --maildir DIR

The SMTP server is aiosmtpd's own (`aiosmtpd.smtp.SMTP`, the defaults of `python3 -m aiosmtpd`),
on one asyncio loop, as in ops/lib/stack.sh. The handler:
  discard   answers 250 to DATA and drops the message (no parsing, nothing written)
  maildir   aiosmtpd.handlers.Mailbox into DIR: the handler ops/lib/stack.sh's smtp_start runs
            for the tests (parses the message, adds X-Peer/X-MailFrom/X-RcptTo, writes one file
            per message into DIR/new)
Both count what they accepted. The count is the same small amount of work in both modes, and
the same for every sender measured against one sink, so senders can be compared.

The control port (127.0.0.1:C) takes one-line commands and answers one JSON line:
  stats   counters since the last reset: messages, bytes, recipients, SMTP sessions, distinct
          Message-IDs, Message-IDs seen more than once (with up to 5 examples), seconds from
          the first to the last accepted message, and the sink's CPU seconds since the reset
  reset   zeroes the counters (and re-arms the sample); answers the zeroed stats
With --sample FILE the first message accepted after each reset is written to FILE exactly as
received (the bytes after DATA, before any parsing), e.g. as the plain client's template.
Standard library and aiosmtpd only (Debian's python3-aiosmtpd).
"""

import argparse
import asyncio
import json
import os
import re
import resource
import signal
import time

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP

MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(.*?)\r?$", re.IGNORECASE | re.MULTILINE)


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Counter:
    def __init__(self, sample_path):
        self.sample_path = sample_path
        self.reset()

    def reset(self):
        self.messages = 0
        self.bytes = 0
        self.recipients = 0
        self.sessions = set()
        self.ids = {}
        self.first = None
        self.last = None
        self.cpu0 = cpu_seconds()
        self.sample_taken = False

    def count(self, session, envelope):
        now = time.monotonic()
        data = envelope.original_content or b""
        self.messages += 1
        self.bytes += len(data)
        self.recipients += len(envelope.rcpt_tos)
        self.sessions.add(id(session))
        head = data.split(b"\r\n\r\n", 1)[0]
        m = MESSAGE_ID.search(head)
        key = m.group(1).strip() if m else b"(none)"
        self.ids[key] = self.ids.get(key, 0) + 1
        if self.first is None:
            self.first = now
        self.last = now
        if self.sample_path and not self.sample_taken:
            self.sample_taken = True
            tmp = self.sample_path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, self.sample_path)

    def stats(self):
        dups = {k: v for k, v in self.ids.items() if v > 1}
        span = (self.last - self.first) if self.first is not None else 0.0
        return {
            "messages": self.messages,
            "bytes": self.bytes,
            "recipients": self.recipients,
            "sessions": len(self.sessions),
            "distinct_message_ids": len(self.ids),
            "duplicate_message_ids": len(dups),
            "duplicate_examples": [f"{k.decode('latin-1')} x{v}" for k, v in list(dups.items())[:5]],
            "first_to_last_seconds": round(span, 4),
            "sink_cpu_seconds": round(cpu_seconds() - self.cpu0, 3),
        }


class DiscardHandler:
    def __init__(self, counter):
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):
        self.counter.count(session, envelope)
        return "250 OK"


class CountingMailbox(Mailbox):
    def __init__(self, maildir, counter):
        super().__init__(maildir)
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):
        status = await super().handle_DATA(server, session, envelope)  # parses and writes the file
        self.counter.count(session, envelope)
        return status


async def control(counter, reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            cmd = line.decode("ascii", "replace").strip()
            if cmd == "reset":
                counter.reset()
                out = counter.stats()
            elif cmd == "stats":
                out = counter.stats()
            else:
                out = {"error": f"unknown command {cmd!r}"}
            writer.write((json.dumps(out) + "\n").encode())
            await writer.drain()
    finally:
        writer.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--control-port", type=int, required=True)
    ap.add_argument("--mode", choices=("discard", "maildir"), required=True)
    ap.add_argument("--maildir")
    ap.add_argument("--sample", help="write the first message after each reset here")
    args = ap.parse_args()
    if args.mode == "maildir" and not args.maildir:
        ap.error("--mode maildir needs --maildir DIR")

    counter = Counter(args.sample)
    if args.mode == "maildir":
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(args.maildir, sub), exist_ok=True)
        handler = CountingMailbox(args.maildir, counter)
    else:
        handler = DiscardHandler(counter)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # The same SMTP server settings as `python3 -m aiosmtpd` (ops/lib/stack.sh): default size
    # limit, no SMTPUTF8, no TLS; the hostname is fixed so no per-session FQDN lookup runs.
    smtp = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, hostname="bench-sink.invalid"), host="127.0.0.1", port=args.port))
    ctl = loop.run_until_complete(asyncio.start_server(
        lambda r, w: control(counter, r, w), host="127.0.0.1", port=args.control_port))
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    print(f"smtp sink ({args.mode}) on 127.0.0.1:{args.port}, control on 127.0.0.1:{args.control_port}",
          flush=True)
    try:
        loop.run_forever()
    finally:
        smtp.close()
        ctl.close()
        loop.run_until_complete(smtp.wait_closed())
        loop.run_until_complete(ctl.wait_closed())
        loop.close()


if __name__ == "__main__":
    main()
