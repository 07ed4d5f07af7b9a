"""The app's ASGI middleware: a limit on request bodies (413 ``too_large``) and a last
answer for an error no handler took (500 ``internal``, logged)."""

from __future__ import annotations

import logging

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from errors import body

log = logging.getLogger("clinic.app")

MAX_BODY_BYTES = 64 * 1024
"""The largest request body the app reads by default (every body it takes is a few hundred
bytes); a larger one is refused with 413 before it is read."""


class BodyLimit:
    """ASGI middleware: refuses a request body over ``max_bytes`` with 413 ``too_large``,
    from its ``Content-Length`` before reading anything, or as it streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        too_large = HTTPException(413, self._why())
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise too_large
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except HTTPException as e:
            if e is not too_large or started:
                raise
            await self._refuse(scope, receive, send)

    def _why(self) -> str:
        return f"the request body is larger than {self.max_bytes} bytes"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(body("too_large", self._why()), status_code=413)
        await response(scope, receive, send)


class InternalErrors:
    """ASGI middleware: an exception no handler took (a bug, never a bad input) answers 500
    ``{"code": "internal", ...}`` and is logged, and the connection stays usable (uvicorn
    closes a keep-alive connection when an exception escapes the app)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:  # noqa: BLE001 - answered and logged, never lost
            log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                return
            response = JSONResponse(body("internal", "internal error"), status_code=500)
            await response(scope, receive, send)
