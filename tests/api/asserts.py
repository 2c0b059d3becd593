"""Exact-shape assertions for Graph answers (§3, §4.1)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.conftest import ANA

TRACE_ID = re.compile(r"^[A-Za-z0-9_-]{23}$")
WAMID = re.compile(r"^wamid\.[A-Za-z0-9+/=_-]+$")


def assert_graph_error(response: httpx.Response, *, status: int, code: int, message: str,
                       details: str | None = None, subcode: int | None = None) -> dict[str, Any]:
    """The response is exactly the Graph error envelope of §4.1 with these values."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    error = body["error"]
    trace = error.get("fbtrace_id")
    assert isinstance(trace, str) and TRACE_ID.match(trace), trace
    assert response.headers["x-fb-trace-id"] == trace
    expected: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if details is not None:
        expected["error_data"] = {"messaging_product": "whatsapp", "details": details}
    if subcode is not None:
        expected["error_subcode"] = subcode
    expected["fbtrace_id"] = trace
    assert body == {"error": expected}
    return error


def assert_accepted(response: httpx.Response, *, input: str = ANA, wa_id: str = ANA,
                    template: bool = False) -> str:
    """The success body of §3: contacts echo the input, one ``wamid.`` id."""
    assert response.status_code == 200, response.text
    body = response.json()
    wamid = body["messages"][0]["id"]
    assert WAMID.match(wamid), wamid
    sent: dict[str, Any] = {"id": wamid}
    if template:
        sent["message_status"] = "accepted"
    assert body == {"messaging_product": "whatsapp",
                    "contacts": [{"input": input, "wa_id": wa_id}],
                    "messages": [sent]}
    return str(wamid)
