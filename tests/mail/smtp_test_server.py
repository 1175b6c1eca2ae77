#!/usr/bin/python3
"""A real SMTP server for the SmtpSender tests (aiosmtpd).

Delivers into a maildir like aiosmtpd.handlers.Mailbox, except that RCPT TO a local part of
"tempfail" is answered 451 and "reject" 550 (quoting the address, as real servers do). Optional STARTTLS (--tls CERT KEY, then required)
and AUTH (--auth user:password, then required, and only after STARTTLS). --log FILE records one
line per EHLO with the connection it came on, so tests can count connections. --delay SECONDS
makes it a slow relay: it waits that long before it answers each message's data.

Usage: smtp_test_server.py --port PORT --maildir DIR [--tls CERT KEY] [--auth USER:PASSWORD]
                           [--log FILE] [--delay SECONDS]
Prints "ready" once the server accepts connections; stops on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import mailbox
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, maildir, log, delay=0.0):
        self.mailbox = mailbox.Maildir(maildir, create=True)
        self.log = log
        self.delay = delay

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.log:
            with open(self.log, "a") as f:
                f.write(f"ehlo {id(session)}\n")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local == "tempfail":
            return "451 4.3.0 try later"
        if local == "reject":
            return f"550 5.1.1 <{address}>: no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.mailbox.add(envelope.original_content)
        return "250 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        # handled=False: aiosmtpd itself answers 235/535 (handled=True would leave the
        # client waiting for a reply that never comes).
        return AuthResult(success=ok, handled=False)
    return authenticator


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", metavar="USER:PASSWORD")
    parser.add_argument("--log")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()

    kwargs = {}
    if args.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        kwargs.update(tls_context=ctx, require_starttls=True)
    if args.auth:
        user, _, password = args.auth.partition(":")
        kwargs.update(authenticator=make_authenticator(user, password), auth_required=True,
                      auth_require_tls=bool(args.tls))
    else:
        kwargs.update(auth_require_tls=False)

    controller = Controller(Handler(args.maildir, args.log, args.delay), hostname="127.0.0.1",
                            port=args.port, **kwargs)
    controller.start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print("ready", flush=True)
    while not stop.wait(3600):
        pass
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
