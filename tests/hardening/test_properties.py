"""Property-based fuzzing (hypothesis) of the surfaces a client reaches: sends, template
management, media, the control API and state import. The property is the same for all:
never an answer of 500 or more, every 4xx a Graph error envelope, and the simulator still
working afterwards. Example counts are bounded (and derandomized) so the suite stays fast;
``tests/fuzz_long.py`` runs the long version against ``wasim serve``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client

from tests.conftest import ANA, MESSAGES, PHONE_ID, TOKEN, WABA_ID, text_message
from tests.hardening.test_state_import import RICH, _paths, _replace
from tests.template_bodies import TEMPLATES, create_body

FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                    st.floats(allow_nan=False, allow_infinity=False), TEXT)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=20)


def checked(answer: httpx.Response) -> httpx.Response:
    """``answer`` when it is below 500 and, if a 4xx, a Graph error envelope."""
    assert answer.status_code < 500, (answer.status_code, answer.text[:500])
    if answer.status_code >= 400:
        error = answer.json()["error"]
        assert isinstance(error["code"], int) and isinstance(error["message"], str)
        assert isinstance(error["fbtrace_id"], str)
    return answer


@pytest.fixture(scope="module")
def http() -> Iterator[tuple[Simulator, httpx.Client]]:
    sim = Simulator(now="2026-01-05T09:00:00Z", seed=1)
    with sync_client(create_app(sim)) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        yield sim, client


def _mutations(base: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """``base`` with one value (at any depth) swapped for an arbitrary JSON value."""
    paths = [p for p in _paths(base) if p]
    return st.builds(lambda path, value: _replace(base, path, value),
                     st.sampled_from(paths), JSON_VALUES)


BODY = st.one_of(JSON_VALUES.map(lambda v: json.dumps(v).encode()),
                 st.binary(max_size=200),
                 _mutations(text_message()).map(lambda v: json.dumps(v).encode()))


@FUZZ
@given(body=BODY, kind=st.sampled_from(["application/json", "text/plain", ""]))
def test_send_never_answers_500(http: tuple[Simulator, httpx.Client], body: bytes,
                                kind: str) -> None:
    sim, client = http
    sim.customer(ANA).says("hi")
    checked(client.post(MESSAGES, content=body, headers={"Content-Type": kind}))


@FUZZ
@given(body=st.one_of(_mutations(create_body()), JSON_VALUES),
       form=st.booleans())
def test_template_create_never_answers_500(http: tuple[Simulator, httpx.Client], body: Any,
                                           form: bool) -> None:
    _, client = http
    if form and isinstance(body, dict):
        data = {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
        checked(client.post(TEMPLATES, data=data))
    else:
        checked(client.post(TEMPLATES, json=body))


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["name", "hsm_id", "hsm_ids", "fields",
                                              "limit", "after", "status", "category"]),
                             TEXT, max_size=3))
def test_template_list_and_delete_never_answer_500(http: tuple[Simulator, httpx.Client],
                                                   query: dict[str, str]) -> None:
    _, client = http
    checked(client.get(TEMPLATES, params=query))
    checked(client.delete(TEMPLATES, params=query))


@FUZZ
@given(filename=TEXT, declared=st.one_of(st.none(), TEXT,
                                         st.sampled_from(["image/jpeg", "application/pdf"])),
       content_type=st.sampled_from(["image/jpeg", "application/pdf", "text/plain",
                                     "application/octet-stream"]),
       data=st.binary(max_size=64), product=st.sampled_from(["whatsapp", "", "x"]))
def test_media_upload_and_download_never_answer_500(
        http: tuple[Simulator, httpx.Client], filename: str, declared: str | None,
        content_type: str, data: bytes, product: str) -> None:
    _, client = http
    form = {"messaging_product": product}
    if declared is not None:
        form["type"] = declared
    upload = checked(client.post(f"/v23.0/{PHONE_ID}/media", data=form,
                                 files={"file": (filename, data, content_type)}))
    if upload.status_code != 200:
        return
    media = checked(client.get(f"/v23.0/{upload.json()['id']}"))
    download = checked(client.get(media.json()["url"]))
    assert download.content == data
    assert download.headers["content-disposition"].isascii()


@FUZZ
@given(filename=TEXT, mime=TEXT, text=TEXT)
def test_control_media_with_any_name_downloads(http: tuple[Simulator, httpx.Client],
                                               filename: str, mime: str, text: str) -> None:
    _, client = http
    stored = checked(client.post("/_sim/media", json={"mime_type": mime, "text": text,
                                                      "filename": filename}))
    if stored.status_code == 200:
        url = checked(client.get(f"/v23.0/{stored.json()['id']}")).json()["url"]
        checked(client.get(url))


CONTROL = [("POST", "/_sim/inbound"), ("POST", "/_sim/settings"), ("POST", "/_sim/clock/advance"),
           ("POST", "/_sim/clock/set"), ("POST", "/_sim/clock/freeze"), ("POST", "/_sim/faults"),
           ("POST", f"/_sim/contacts/{ANA}"), ("POST", "/_sim/media"),
           ("POST", "/_sim/webhook-drills/refuse"),
           ("POST", "/_sim/templates/order_shipped/approve"),
           ("GET", "/_sim/messages"), ("GET", f"/_sim/windows/{ANA}"),
           ("GET", "/_sim/deliveries"), ("GET", "/_sim/templates")]
SETTINGS_BODIES = st.dictionaries(
    st.sampled_from(["rate_limit_http_status", "delivered_after", "read_after",
                     "template_review_after", "throughput_mps", "media_url_ttl",
                     "webhook_batch_size", "pair_rate_interval", "rules_as_of"]),
    JSON_VALUES, max_size=2)


@FUZZ
@given(route=st.sampled_from(CONTROL),
       body=st.one_of(JSON_VALUES, SETTINGS_BODIES,
                      st.fixed_dictionaries({"to": TEXT}), st.fixed_dictionaries({"by": SCALARS}),
                      st.fixed_dictionaries({"from": SCALARS, "text": JSON_VALUES})),
       query=st.dictionaries(st.sampled_from(["limit", "after", "to", "status", "type"]),
                             TEXT, max_size=2))
def test_control_calls_never_answer_500_nor_poison_a_send(
        http: tuple[Simulator, httpx.Client], route: tuple[str, str], body: Any,
        query: dict[str, str]) -> None:
    sim, client = http
    method, path = route
    if method == "GET":
        checked(client.get(path, params=query))
    else:
        checked(client.request(method, path, json=body))
    client.delete("/_sim/faults")
    sim.customer(ANA).says("still there?")
    checked(client.post(MESSAGES, json=text_message()))
    checked(client.post(TEMPLATES, json=create_body(name="probe_template")))
    checked(client.get("/_sim/state"))


STATE_PATHS = [p for p in _paths(RICH) if len(p) >= 2 and "components" not in p]
"""Every value of a rich export but the inside of template components, which an import
takes as exported (their types are checked; their Graph shape is the create rules')."""


@FUZZ
@given(path=st.sampled_from(STATE_PATHS), value=JSON_VALUES)
def test_state_import_is_refused_unchanged_or_keeps_working(
        http: tuple[Simulator, httpx.Client], path: tuple[Any, ...], value: Any) -> None:
    sim, client = http
    checked(client.put("/_sim/state", json=RICH))
    before = json.dumps(sim.export_state(), sort_keys=True)
    answer = checked(client.put("/_sim/state", json=_replace(copy.deepcopy(RICH), path,
                                                             value)))
    if answer.status_code != 200:
        assert json.dumps(sim.export_state(), sort_keys=True) == before
        return
    checked(client.get("/_sim/state"))
    checked(client.post("/_sim/inbound", json={"from": ANA, "text": "hi"}))
    checked(client.post(MESSAGES, json=text_message()))
    checked(client.post("/_sim/clock/advance", json={"by": "2h"}))
    checked(client.get(f"/v23.0/{WABA_ID}/message_templates"))
