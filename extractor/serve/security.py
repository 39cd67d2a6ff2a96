"""What keeps the workbench safe to leave open: a CSRF token on every state-changing request, an
optional access token (required when bound beyond localhost), a Host check against DNS
rebinding, and a Content-Security-Policy that runs no script but the bundled one, so text from a
report can never execute even if it slipped past escaping."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "extractor_token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY")]


def same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


async def _reply(send: Send, status: int, body: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS, *(extra or [])]})
    await send({"type": "http.response.body", "body": body.encode()})


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == name), None)


class Guard:
    """ASGI middleware: Host check, access token (``?token=`` once, then an HttpOnly cookie),
    security headers on every response."""

    def __init__(self, app: ASGIApp, token: str | None, hosts: set[str] | None) -> None:
        self.app, self.token, self.hosts = app, token, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = (_header(scope, b"host") or "").rsplit(":", 1)[0].strip("[]")
        if self.hosts is not None and host not in self.hosts:
            await _reply(send, 400, "unknown Host header: open the address `extractor serve` printed\n")
            return
        if self.token is not None:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            given = (query.get("token") or [None])[0]
            if same(given, self.token):
                # The token leaves the address bar (and history) at once; the cookie carries it on.
                cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/".encode()
                back = scope.get("raw_path") or scope["path"].encode()  # raw: an office's name stays percent-encoded
                await _reply(send, 303, "", [(b"location", back), (b"set-cookie", cookie)])
                return
            if not same(_cookie(scope, COOKIE), self.token):
                await _reply(send, 401, "access token required: open the address `extractor serve` printed\n")
                return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
