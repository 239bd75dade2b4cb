"""A throw-away aiosmtpd server on loopback for the real-MTA suite.

Run by .ci/mta/aiosmtpd.sh with Debian's /usr/bin/python3 and its
python3-aiosmtpd (1.4). Listens on 127.0.0.1 only, offers STARTTLS, and
AUTH PLAIN, LOGIN and XOAUTH2 only after it (auth_require_tls). AUTH is not
required to send. Each accepted message is written, byte for byte as
received (after dot-unstuffing), to MESSAGES/NAME.eml; its envelope goes
to ENVELOPES/NAME.json. Both are written to a temporary name first and then
renamed, so a reader never sees half a file.

Settings come from the environment (see aiosmtpd.sh): AIOSMTPD_HOST,
AIOSMTPD_PORT, AIOSMTPD_USER, AIOSMTPD_PASSWORD, AIOSMTPD_TOKEN,
AIOSMTPD_CERT, AIOSMTPD_KEY, AIOSMTPD_DIR. Its one argument, DIR again, is
not read: it lets aiosmtpd.sh recognise the process in /proc/PID/cmdline.
"""

import asyncio
import base64
import binascii
import hmac
import itertools
import json
import logging
import os
import signal
import ssl
import sys
import time

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword

HOSTNAME = "aiosmtpd.probe.test"
# Gmail's reply to a refused XOAUTH2 token: a 334 challenge carrying this
# JSON in base64; the client answers with an empty line; then 535.
XOAUTH2_ERROR = {"status": "401", "schemes": "Bearer", "scope": "https://mail.google.com/"}
XOAUTH2_REFUSED = "535 5.7.8 Username and Password not accepted"


def setting(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"aiosmtpd-server: {name} is not set")
    return value


def same(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


class Handler:
    def __init__(self, directory: str, user: bytes, token: bytes) -> None:
        self.messages = os.path.join(directory, "messages")
        self.envelopes = os.path.join(directory, "envelopes")
        self.tmp = os.path.join(directory, "tmp")
        self.user = user
        self.token = token
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope) -> str:
        name = f"{time.time_ns()}-{os.getpid()}-{next(self.counter):06d}"
        info = {
            "mail_from": envelope.mail_from,
            "mail_options": envelope.mail_options,
            "rcpt_tos": envelope.rcpt_tos,
            "rcpt_options": envelope.rcpt_options,
            "helo": session.host_name,
            "tls": session.ssl is not None,
            "authenticated_as": (
                session.auth_data.login.decode("utf-8", "replace")
                if isinstance(session.auth_data, LoginPassword)
                else None
            ),
        }
        self._write(self.envelopes, name + ".json", json.dumps(info, indent=2).encode() + b"\n")
        self._write(self.messages, name + ".eml", envelope.original_content)
        return "250 2.0.0 Message accepted for delivery"

    def _write(self, folder: str, name: str, data: bytes) -> None:
        temporary = os.path.join(self.tmp, name)
        with open(temporary, "wb") as file:
            file.write(data)
        os.rename(temporary, os.path.join(folder, name))

    # A custom mechanism: aiosmtpd 1.4 collects `auth_<NAME>` methods of the
    # handler and calls them as method(server, args), args being the words
    # of the AUTH command ("XOAUTH2" and the optional initial response).
    async def auth_XOAUTH2(self, server: SMTP, args: list) -> AuthResult:
        if len(args) == 1:
            blob = await server.challenge_auth("", encode_to_b64=False)
            if blob is MISSING:  # "*" or bad base64: already answered with 501
                return AuthResult(success=False, handled=True)
        else:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except (binascii.Error, ValueError):
                await server.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)

        # user=USER ^A auth=Bearer TOKEN ^A ^A
        fields = {}
        for part in blob.split(b"\x01"):
            key, sep, value = part.partition(b"=")
            if sep:
                fields[key.lower()] = value
        user = fields.get(b"user", b"")
        auth = fields.get(b"auth", b"")
        scheme, _, token = auth.partition(b" ")
        if same(user, self.user) and scheme.lower() == b"bearer" and same(token, self.token):
            return AuthResult(success=True, auth_data=LoginPassword(user, b""))

        error = json.dumps(XOAUTH2_ERROR, separators=(",", ":")).encode()
        reply = await server.challenge_auth(error, encode_to_b64=True)
        if reply is MISSING:  # the client sent "*" or junk: 501 already sent
            return AuthResult(success=False, handled=True)
        # handled=False makes aiosmtpd send the message (with the default
        # handled=True, 1.4 sends nothing at all and the client waits).
        return AuthResult(success=False, handled=False, message=XOAUTH2_REFUSED)


def make_authenticator(user: bytes, password: bytes):
    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        if (
            mechanism in ("PLAIN", "LOGIN")
            and isinstance(auth_data, LoginPassword)
            and same(auth_data.login, user)
            and same(auth_data.password, password)
        ):
            return AuthResult(success=True, auth_data=auth_data)
        # handled=False: aiosmtpd then answers "535 5.7.8 ..." (see above).
        return AuthResult(success=False, handled=False)

    return authenticator


async def serve() -> None:
    host = setting("AIOSMTPD_HOST")
    if host != "127.0.0.1":
        sys.exit("aiosmtpd-server: AIOSMTPD_HOST must be 127.0.0.1")
    port = int(setting("AIOSMTPD_PORT"))
    user = setting("AIOSMTPD_USER").encode()
    password = setting("AIOSMTPD_PASSWORD").encode()
    token = setting("AIOSMTPD_TOKEN").encode()
    directory = setting("AIOSMTPD_DIR")

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(setting("AIOSMTPD_CERT"), setting("AIOSMTPD_KEY"))

    handler = Handler(directory, user, token)
    authenticator = make_authenticator(user, password)

    loop = asyncio.get_running_loop()

    def factory() -> SMTP:
        return SMTP(
            handler,
            hostname=HOSTNAME,
            ident="aiosmtpd probe.test",
            tls_context=context,
            require_starttls=False,
            authenticator=authenticator,
            auth_required=False,
            auth_require_tls=True,
            loop=loop,
        )

    server = await loop.create_server(factory, host=host, port=port, reuse_address=True)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    logging.info("listening on %s:%d (STARTTLS)", host, port)
    await stop.wait()
    server.close()
    await server.wait_closed()
    logging.info("stopped")


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    asyncio.run(serve())
