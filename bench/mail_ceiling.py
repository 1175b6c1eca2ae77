#!/usr/bin/python3
"""The plain SMTP client for bench/mail.sh: the relay's own ceiling.

    /usr/bin/python3 bench/mail_ceiling.py --port P --template FILE [--count 5000]

Opens ONE SMTP connection (smtplib: connect, EHLO) to 127.0.0.1:P and sends COUNT messages in a
loop with sendmail() (MAIL FROM, RCPT TO, DATA for each; smtplib does not pipeline, and neither
does libcurl), then QUIT. Every message is the template (one real message as the worker sent
it, CRLF line ends) with only its Message-ID changed to a unique one of the same length, so the
sink can count distinct messages. The envelope sender and recipient are the template's From and
To addresses. Nothing is rendered or read from a database: this is what the sink takes from a
client that does nothing but send.

Timed from before the connect to after the last 250 reply (QUIT not included). The last line is
machine-readable: "CEILING {json}" (messages, seconds, messages_per_second, bytes_per_message,
client_cpu_seconds, client_peak_rss_kib, errors). Standard library only.
"""

import argparse
import email.utils
import json
import re
import resource
import smtplib
import sys
import time


def address_of(head, name):
    m = re.search(rb"^" + name + rb":[ \t]*(.*(?:\r\n[ \t].*)*)", head, re.IGNORECASE | re.MULTILINE)
    if not m:
        sys.exit(f"mail_ceiling: the template has no {name.decode()} header")
    value = re.sub(rb"\r\n[ \t]", b" ", m.group(1)).decode("ascii", "replace")
    addr = email.utils.parseaddr(value)[1]
    if not addr:
        sys.exit(f"mail_ceiling: no address in the template's {name.decode()} header: {value!r}")
    return addr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--template", required=True, help="one message as received by the sink")
    ap.add_argument("--count", type=int, default=5000)
    args = ap.parse_args()

    with open(args.template, "rb") as f:
        template = f.read()
    head = template.split(b"\r\n\r\n", 1)[0]
    if b"\r\n" not in head:
        sys.exit("mail_ceiling: the template has no CRLF header block")
    mail_from = address_of(head, b"From")
    rcpt_to = address_of(head, b"To")
    mid = re.search(rb"^(Message-ID:[ \t]*<)([^>]*)(>)", template, re.IGNORECASE | re.MULTILINE)
    if not mid:
        sys.exit("mail_ceiling: the template has no Message-ID")
    before, after = template[:mid.start(2)], template[mid.end(2):]
    old_id = mid.group(2)
    width = len(str(args.count))
    local, _, domain = old_id.partition(b"@")

    def message(i):
        # Same length as the original id: "ceiling-00042" padded/cut to the original local part.
        tag = f"c{i:0{width}d}-".encode()
        new_local = (tag + local)[:max(len(local), len(tag))]
        return before + new_local + b"@" + domain + after

    messages = [message(i) for i in range(args.count)]
    errors = []
    t0 = time.perf_counter()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    smtp = smtplib.SMTP("127.0.0.1", args.port, timeout=30)
    smtp.ehlo()
    sent = 0
    for msg in messages:
        try:
            refused = smtp.sendmail(mail_from, [rcpt_to], msg)
            if refused:
                errors.append(f"refused: {refused}")
            else:
                sent += 1
        except smtplib.SMTPException as e:
            errors.append(f"{type(e).__name__}: {e}")
            if len(errors) > 20:
                break
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    try:
        smtp.quit()
    except smtplib.SMTPException:
        pass
    seconds = t1 - t0
    report = {
        "messages": sent,
        "seconds": round(seconds, 4),
        "messages_per_second": round(sent / seconds, 1) if seconds > 0 else None,
        "bytes_per_message": len(template),
        "envelope": f"{mail_from} -> {rcpt_to}",
        "client_cpu_seconds": round((r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime), 3),
        "client_peak_rss_kib": r1.ru_maxrss,
        "errors": len(errors),
        "error_examples": errors[:5],
    }
    print(f"mail_ceiling: {sent} messages of {len(template)} bytes over one connection in "
          f"{seconds:.3f} s ({report['messages_per_second']}/s), {len(errors)} errors")
    print("CEILING " + json.dumps(report))
    sys.exit(0 if sent == args.count else 1)


if __name__ == "__main__":
    main()
