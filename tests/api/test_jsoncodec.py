"""The send path's JSON reads and writes the same with orjson as with the standard library
(orjson is an optional speed-up: `wasim[speed]`)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from wasim.api import jsoncodec
from wasim.api.graph import parse_json
from wasim.errors import GraphError

BODIES = [
    b'{"messaging_product":"whatsapp","to":"16505551234","type":"text",'
    b'"text":{"body":"ol\xc3\xa1 \xf0\x9f\x98\x80"}}',
    b'{"a": 1.5, "b": [true, false, null], "c": "\\u00e9\\n"}  ',
    b'{"big": 123456789012345678901234567890, "neg": -9223372036854775809}',
    b'{"x": NaN}',
    b'{"x": "\\ud800"}',
    b'{"x": "\xed\xa0\x80"}',
    b'\xef\xbb\xbf{"bom": 1}',
    b'{"dup": 1, "dup": 2}',
    b'[1, 2]',
    b'{"unclosed": ',
    b'{"a": 1} trailing',
]


def _outcome(raw: bytes) -> Any:
    try:
        value = parse_json(raw)
    except GraphError as error:
        return ("error", error.code, error.message)
    return ("value", value, [type(v) for v in value.values()]
            if isinstance(value, dict) else None)


@pytest.mark.parametrize("raw", BODIES)
def test_a_body_reads_the_same_with_and_without_orjson(
        raw: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    with_orjson = _outcome(raw)
    monkeypatch.setattr(jsoncodec, "orjson", None)
    assert _outcome(raw) == with_orjson


def test_whole_numbers_past_64_bits_stay_whole() -> None:
    assert parse_json(b'{"n": 123456789012345678901234567890}') == {
        "n": 123456789012345678901234567890}


def test_orjson_refuses_what_it_would_misread() -> None:
    assert jsoncodec.fast_loads(b'{"to": "1"}') == {"to": "1"}
    assert jsoncodec.fast_loads(b'{"n": 1234567890123456789}') is jsoncodec.NOT_PARSED
    assert jsoncodec.fast_loads(b'{"x": "\\udfff"}') is jsoncodec.NOT_PARSED


@pytest.mark.parametrize("answer", [
    {"messaging_product": "whatsapp",
     "contacts": [{"input": "+55 (11) 9\u00e9\u2028\x1f\"\\/\x7f", "wa_id": "5511"}],
     "messages": [{"id": "wamid.X==", "message_status": "accepted"}]},
    {"success": True},
])
def test_a_send_answer_renders_the_same_bytes(answer: dict[str, Any]) -> None:
    assert jsoncodec.render_strings(answer) == jsoncodec.render(answer)
    assert orjson.dumps(answer) == jsoncodec.render(answer)
