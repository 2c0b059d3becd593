"""Inputs that once answered 500 or broke later calls (the reliability probe's
reproductions), each now refused in the Graph envelope, and the setting and clock
ranges that keep later calls working."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.api.media import content_disposition
from wasim.asgi import sync_client
from wasim.errors import GraphError
from wasim.rules.jsontext import MAX_DEPTH, lone_surrogate, too_deep

from tests.conftest import ANA, MESSAGES, PHONE_ID, TOKEN, text_message
from tests.template_bodies import TEMPLATES, create_body

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def http() -> Iterator[tuple[Simulator, httpx.Client]]:
    sim = Simulator(now="2026-01-05T09:00:00Z")
    with sync_client(create_app(sim)) as client:
        client.headers.update(AUTH)
        yield sim, client


def _nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def _error(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


DEEP_BODIES = [
    pytest.param('{"a":' + _nested(1000) + "}", id="1000-deep"),
    pytest.param('{"a":"\\u00e9","b":' + _nested(400) + "}", id="400-deep-with-escape"),
    pytest.param('{"a":' + _nested(MAX_DEPTH) + "}", id="just-over-the-limit"),
    pytest.param(_nested(100_000), id="100000-deep-array"),
]


@pytest.mark.parametrize("body", DEEP_BODIES)
@pytest.mark.parametrize("path", [MESSAGES, TEMPLATES, "/_sim/inbound", "/_sim/settings",
                                  "/_sim/faults"])
def test_a_body_nested_too_deep_is_refused_with_400_and_code_100(
        http: tuple[Simulator, httpx.Client], path: str, body: str) -> None:
    _, client = http
    answer = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert _error(answer)["code"] == 100
    assert _error(answer)["error_data"]["details"] == (
        f"The request body nests arrays and objects more than {MAX_DEPTH} levels deep.")


def test_form_components_nested_too_deep_are_refused(
        http: tuple[Simulator, httpx.Client]) -> None:
    _, client = http
    answer = client.post(TEMPLATES, data={"name": "x", "language": "en_US",
                                          "category": "UTILITY",
                                          "components": _nested(2000, "{}")})
    assert (answer.status_code, _error(answer)["code"]) == (400, 100)


def test_the_depth_limit_itself_is_accepted(http: tuple[Simulator, httpx.Client]) -> None:
    """A body exactly at the limit is parsed (and answered by the rules, not the limit)."""
    _, client = http
    body = '{"a":' + _nested(MAX_DEPTH - 1) + "}"
    answer = client.post("/_sim/settings", content=body,
                         headers={"Content-Type": "application/json"})
    assert _error(answer)["error_data"]["details"].startswith("unknown setting 'a'")


@pytest.mark.parametrize(("text", "deep"), [
    ('"' + "[" * 500 + '"', False),           # brackets inside a string do not count
    ('["\\"' + "[" * 500 + '"]', False),      # nor after an escaped quote
    ("[" * 65 + "]" * 65, True),
    ("[" * 64 + "]" * 64, False),
    ('{"a":' * 65 + "1" + "}" * 65, True),
    ("[]" * 10_000, False),                   # many brackets, shallow
])
def test_too_deep_counts_nesting_outside_strings(text: str, deep: bool) -> None:
    assert too_deep(text.encode()) is deep


def test_the_surrogate_walk_does_not_recurse() -> None:
    value: Any = "\ud800"
    for _ in range(100_000):
        value = [value]
    assert lone_surrogate(value) is True
    assert lone_surrogate({"é": ["ok", {"k": "😀"}]}) is False


def test_www_authenticate_is_capped_while_the_body_keeps_the_whole_message(
        http: tuple[Simulator, httpx.Client]) -> None:
    _, client = http
    answer = client.post(f"/v23.0/{PHONE_ID}/media",
                         data={"messaging_product": "whatsapp", "type": "x" * 200_000},
                         files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    header = answer.headers["www-authenticate"]
    assert answer.status_code == 400
    assert len(header) < 300 and header.endswith('..."')
    assert "x" * 200_000 in answer.text


@pytest.mark.parametrize(("name", "expected"), [
    ("отчет.pdf", "attachment; filename=\"_____.pdf\"; "
                  "filename*=UTF-8''%D0%BE%D1%82%D1%87%D0%B5%D1%82.pdf"),
    ("a\r\nX: y", "attachment; filename=\"a__X: y\"; filename*=UTF-8''a%0D%0AX%3A%20y"),
    ("a\".pdf; filename*=UTF-8''evil.exe",
     "attachment; filename=\"a\\\".pdf; filename*=UTF-8''evil.exe\"; "
     "filename*=UTF-8''a%22.pdf%3B%20filename%2A%3DUTF-8%27%27evil.exe"),
])
def test_content_disposition_follows_rfc_6266(name: str, expected: str) -> None:
    assert content_disposition(name) == expected


@pytest.mark.parametrize("name", ["отчет.pdf", "日本.pdf", "a\r\nX: y", 'a".pdf', "\x00"])
def test_media_with_any_filename_downloads_with_its_name_kept(
        http: tuple[Simulator, httpx.Client], name: str) -> None:
    _, client = http
    media_id = client.post("/_sim/media", json={"mime_type": "application/pdf",
                                                "text": "%PDF-1.4", "filename": name}).json()
    url = client.get(f"/v23.0/{media_id['id']}").json()["url"]
    download = client.get(url)
    assert download.status_code == 200
    assert download.headers["content-disposition"] == content_disposition(name)
    assert download.content == b"%PDF-1.4"


@pytest.mark.parametrize(("settings", "details"), [
    ({"rate_limit_http_status": 42},
     "setting 'rate_limit_http_status' takes a whole number from 400 to 599, got 42"),
    ({"delivered_after": 1e18}, "setting 'delivered_after' takes a number of seconds from "
                                "0 to 31536000 or null, got 1e+18"),
    ({"read_after": 1e308}, "setting 'read_after' takes a number of seconds from 0 to "
                            "31536000 or null, got 1e+308"),
    ({"template_review_after": 1e18}, "setting 'template_review_after' takes a number of "
                                      "seconds from 0 to 31536000 or null, got 1e+18"),
    ({"media_url_ttl": 0}, "setting 'media_url_ttl' takes a number of seconds above 0 to "
                           "31536000, got 0"),
    ({"throughput_mps": True}, "setting 'throughput_mps' takes a whole number from 1 to "
                               "1000 or null, got True"),
    ({"pair_rate_interval": 86401}, "setting 'pair_rate_interval' takes a number of "
                                    "seconds above 0 to 86400, got 86401"),
    ({"rules_as_of": "2024-13-01"},
     "setting 'rules_as_of' takes a date YYYY-MM-DD or null, got '2024-13-01'"),
])
def test_a_setting_out_of_range_is_refused_with_one_line_naming_the_range(
        http: tuple[Simulator, httpx.Client], settings: dict[str, Any], details: str) -> None:
    sim, client = http
    before = sim.world.settings.to_dict()
    answer = client.post("/_sim/settings", json=settings)
    assert (answer.status_code, _error(answer)["error_data"]["details"]) == (400, details)
    assert sim.world.settings.to_dict() == before


def test_the_extreme_settings_that_are_accepted_keep_sends_working(
        http: tuple[Simulator, httpx.Client]) -> None:
    sim, client = http
    top = {"rate_limit_http_status": 599, "delivered_after": 31536000, "read_after": 31536000,
           "template_review_after": 31536000}
    assert client.post("/_sim/settings", json=top).status_code == 200
    sim.customer(ANA).says("hi")
    assert client.post(MESSAGES, json=text_message()).status_code == 200
    assert client.post(TEMPLATES, json=create_body()).status_code == 200
    client.post("/_sim/clock/set", json={"to": "2999-12-01T00:00:00Z"})
    assert client.post(MESSAGES, json=text_message()).status_code == 200


@pytest.mark.parametrize(("path", "body"), [
    ("/_sim/clock/set", {"to": "9999-12-31T23:59:59Z"}),
    ("/_sim/clock/set", {"to": "1969-12-31T23:59:59Z"}),
    ("/_sim/clock/freeze", {"at": "3000-01-01T00:00:00Z"}),
    ("/_sim/clock/advance", {"by": "400000d"}),
])
def test_the_clock_stays_in_its_range(http: tuple[Simulator, httpx.Client], path: str,
                                      body: dict[str, Any]) -> None:
    sim, client = http
    before = sim.now()
    answer = client.post(path, json=body)
    assert (answer.status_code, _error(answer)["code"]) == (400, 100)
    assert "2999-12-31T23:59:59+00:00" in _error(answer)["error_data"]["details"]
    assert sim.now() == before
    sim.customer(ANA).says("still works")
    assert client.post(MESSAGES, json=text_message()).status_code == 200


def test_an_unexpected_error_is_logged_with_the_answers_fbtrace_id(
        http: tuple[Simulator, httpx.Client], caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sim, client = http

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(sim, "send", broken)
    with caplog.at_level(logging.ERROR, logger="wasim"):
        answer = client.post(MESSAGES, json=text_message())
    trace = _error(answer)["fbtrace_id"]
    assert (answer.status_code, _error(answer)["code"]) == (500, 1)
    [record] = [r for r in caplog.records if r.name == "wasim"]
    assert trace in record.getMessage()
    assert f"POST /v23.0/{PHONE_ID}/messages" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError


def test_an_unexpected_control_error_is_logged_too(
        http: tuple[Simulator, httpx.Client], caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sim, client = http
    monkeypatch.setattr(sim, "reset", lambda: 1 / 0)
    with caplog.at_level(logging.ERROR, logger="wasim"):
        answer = client.post("/_sim/reset")
    assert _error(answer)["code"] == 1
    assert _error(answer)["fbtrace_id"] in caplog.text
    assert "ZeroDivisionError" in caplog.text


def test_the_state_export_redacts_secrets_unless_asked(
        http: tuple[Simulator, httpx.Client]) -> None:
    sim, client = http
    world = client.get("/_sim/state").json()["world"]
    assert (world["app_secret"], world["verify_token"]) == ("[redacted]", "[redacted]")
    assert {t["value"] for t in world["tokens"]} == {"[redacted]"}
    assert sim.world.app_secret not in client.get("/_sim/state").text
    full = client.get("/_sim/state", params={"secrets": "include"}).json()["world"]
    assert full["app_secret"] == sim.world.app_secret
    assert TOKEN in {t["value"] for t in full["tokens"]}


def test_a_redacted_export_imports_keeping_the_servers_secrets(
        http: tuple[Simulator, httpx.Client]) -> None:
    sim, client = http
    secret, tokens = sim.world.app_secret, set(sim.world.tokens)
    sim.customer(ANA).says("hi")
    state = client.get("/_sim/state").json()
    client.post("/_sim/reset")
    assert client.put("/_sim/state", json=state).json() == {"success": True}
    assert (sim.world.app_secret, set(sim.world.tokens)) == (secret, tokens)
    assert len(sim.world.inbound) == 1


def test_settings_refuse_a_bad_value_from_python_too() -> None:
    sim = Simulator()
    with pytest.raises(GraphError) as refused:
        sim.update_settings({"rate_limit_http_status": 42})
    assert refused.value.details == (
        "setting 'rate_limit_http_status' takes a whole number from 400 to 599, got 42")
    with pytest.raises(GraphError) as refused:
        sim.update_settings({"pair_rate_interval": float("nan")})
    assert refused.value.details == (
        "setting 'pair_rate_interval' takes a number of seconds above 0 to 86400, got nan")


def test_every_setting_has_a_type_and_range() -> None:
    from wasim.world.settingspec import SPECS
    from wasim.world.state import WorldSettings

    assert set(SPECS) == set(WorldSettings().to_dict())
    for name, value in WorldSettings().to_dict().items():
        assert WorldSettings().update({name: value}) is None  # every default is in range


def test_a_template_example_that_is_not_text_is_refused(
        http: tuple[Simulator, httpx.Client]) -> None:
    """Found by the property tests: a number in example.body_text was stored, and every
    template listing then answered a body that does not fit Graph's shape."""
    _, client = http
    body = create_body(components=[{"type": "BODY", "text": "Hi {{1}}, thanks.",
                                    "example": {"body_text": [[35469045121307635712]]}}])
    answer = client.post(TEMPLATES, json=body)
    assert answer.status_code == 400
    assert _error(answer)["error_data"]["details"] == "example.body_text values must be strings."
