#!/usr/bin/env python3
"""A local SMTP server for demo mode and tests (aiosmtpd): every message it accepts is written
to its own file in a directory, so a test or a person can read what kezek sent.

    tools/.venv/bin/python scripts/services/smtp.py --dir DIR [--port N] [--host 127.0.0.1]

Port 0 (the default) takes a free port. Once it accepts connections it prints one line,
    smtp listening on 127.0.0.1:PORT
Each message is `DIR/<nanoseconds>-<n>.eml`: `X-Envelope-From` and `X-Envelope-To` headers,
then the message exactly as received. A file is written under a temporary name and renamed,
so a reader never sees half a message. No TLS and no authentication: loopback only.
"""

import argparse
import asyncio
import itertools
import os
import signal
import sys
import time

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    sys.stderr.write("smtp.py: aiosmtpd is not installed (run scripts/setup.sh; it installs tools/.venv)\n")
    sys.exit(3)


class SaveToDirectory:
    """The aiosmtpd handler: one file per accepted message."""

    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count()

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{next(self.counter)}.eml"
        temporary = os.path.join(self.directory, f".{name}.tmp")
        head = f"X-Envelope-From: {envelope.mail_from}\r\nX-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        with open(temporary, "wb") as out:
            out.write(head.encode("utf-8"))
            out.write(envelope.original_content or envelope.content)
            out.flush()
            os.fsync(out.fileno())
        os.rename(temporary, os.path.join(self.directory, name))
        return "250 Message accepted for delivery"


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="where to write received messages")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SMTP_PORT", "0")))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    handler = SaveToDirectory(args.dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="kezek-test-smtp", enable_SMTPUTF8=True), args.host, args.port
    )
    port = server.sockets[0].getsockname()[1]
    print(f"smtp listening on {args.host}:{port}", flush=True)
    stopped = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopped.set)
    await stopped.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
