"""A real SMTP server on loopback for the mail tests (aiosmtpd).

Usage: python3 smtp_sink.py OUT.jsonl
Listens on a free 127.0.0.1 port, prints "PORT <n>" once ready, and appends one JSON line
per message received: envelope recipients, the decoded To, Subject and text body. Stops
when its standard input closes (the test ends).
"""
import asyncio
import email
import email.policy
import json
import socket
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "rcpt": envelope.rcpt_tos,
            "from": envelope.mail_from,
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "body": body.get_content() if body is not None else "",
        }
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = free_port()
    controller = Controller(Sink(sys.argv[1]), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"PORT {port}", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
