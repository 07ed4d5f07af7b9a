"""The API's errors: one body for every refusal, ``{"code", "message", "field", ...}``, and
the handlers that answer medsched's refusals, FastAPI's and Starlette's with it (the status of
each code is in ``HTTP_STATUS`` and ``HTTP_CODES``)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from fastapi import FastAPI, Request, WebSocket
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

import medsched as m

HTTP_STATUS: Dict[str, int] = {
    "invalid_input": 422,
    "not_found": 404,
    "slot_unavailable": 409,
    "conflict": 409,
    "invalid_transition": 409,
    "policy_violation": 409,
    "rate_limited": 429,
    "storage": 503,
}
"""The HTTP status of each medsched error code."""

HTTP_CODES: Dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
}
"""The error code of each HTTP status the app refuses with outside medsched."""


def invalid(field: str, value: str, problem: str, why: str) -> m.InvalidInputError:
    """medsched's refusal of ``value`` in ``field``: ``problem`` is its code, ``why`` its words."""
    return m.InvalidInputError(
        f"invalid {field} = {value!r}: {why}",
        {"code": "invalid_input", "field": field, "value": value, "problem": problem,
         "problem_message": why},
    )


def missing(field: str, why: str) -> m.InvalidInputError:
    """medsched's refusal of a request without ``field``, saying ``why`` it is needed."""
    return invalid(field, "", "missing", f"required: {why}")


def error_body(err: m.MedschedError) -> Dict[str, Any]:
    """An error as the API returns it: its code, its message, the field at fault (``None``
    unless the input was refused) and the error's other fields."""
    details = jsonable_encoder(err.details)
    return {**details, "code": err.code, "message": err.message,
            "field": details.get("field")}


def body(code: str, message: str, field: Optional[str] = None, **rest: Any) -> Dict[str, Any]:
    """The one error body: ``code``, ``message``, ``field`` and any other fields."""
    return {"code": code, "message": message, "field": field, **rest}


async def _medsched_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, m.MedschedError)
    return JSONResponse(error_body(exc), status_code=HTTP_STATUS.get(exc.code, 500))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    if exc.status_code == 404 and exc.detail == "Not Found":
        message = f"no such resource: {request.method} {request.url.path}"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    else:
        message = str(exc.detail)
    return JSONResponse(body(code, message), status_code=exc.status_code,
                        headers=exc.headers)


def _first_error(errors: List[Dict[str, Any]]) -> Tuple[str, Dict[str, Any]]:
    """The field of the first of FastAPI's validation errors (its location without
    ``body``/``query``/``path``/``header``; ``"body"`` for the body as a whole, or one that
    is not JSON) and the error."""
    first = errors[0] if errors else {}
    location = [str(part) for part in first.get("loc", [])]
    where = location[:1] in (["body"], ["query"], ["path"], ["header"])
    inside = location[1:] if where and first.get("type") != "json_invalid" else location[:1]
    return ".".join(inside) or (location[0] if location else "request"), first


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = jsonable_encoder(exc.errors())
    field, first = _first_error(errors)
    value = first.get("input")
    answer = body(
        "invalid_input", f"invalid {field}: {first.get('msg', 'invalid request')}", field,
        value="" if value is None or isinstance(value, (dict, list)) else str(value)[:200],
        problem=first.get("type", "invalid"), problem_message=first.get("msg", ""),
        errors=errors,
    )
    return JSONResponse(answer, status_code=422)


async def _websocket_validation_error(websocket: WebSocket, exc: Exception) -> None:
    """A bad WebSocket request (say ``?next=many``): accepted, then closed with 4422 and the
    reason, so the client learns why (a refusal before accepting is a bare HTTP 403)."""
    assert isinstance(exc, WebSocketRequestValidationError)
    field, first = _first_error(jsonable_encoder(exc.errors()))
    await websocket.accept()
    why = f"invalid {field}: {first.get('msg', '')}"
    await websocket.close(code=4422, reason=close_reason(why))


def close_reason(text: str) -> str:
    """A WebSocket close reason: at most 123 bytes of UTF-8."""
    return text.encode("utf-8")[:123].decode("utf-8", "ignore")


def install(app: FastAPI) -> None:
    """Answers every refusal of ``app`` with the one error body."""
    app.add_exception_handler(m.MedschedError, _medsched_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(WebSocketRequestValidationError, _websocket_validation_error)
