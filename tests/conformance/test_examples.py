"""Every request example in Meta's OpenAPI description, replayed against wasim (the
default world, Ana's window open): each is accepted, or refused for the reason written
here. Placeholders (``{{Recipient-Phone-Number}}``, ``<IMAGE_OBJECT_ID>``...) are filled
with the world's values first; an example's free text (``<BODY_TEXT>``) is sent as is.

The webhook examples (``POST /whatsapp/webhooks``) are not requests to wasim: they are
validated against the schema in test_spec.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from wasim import Simulator

from tests.conformance.spec import Operation, load
from tests.conftest import ANA, PHONE_ID, WABA_ID

SERVED = {
    "sendMessage", "registerWhatsAppBusinessPhoneNumber", "editTemplate",
    "updateWhatsAppBusinessProfileInformation", "subscribeToWabaWebhooks",
    "createAuthenticationTemplateWOtpCopyCodeButton", "uploadImage",
}
"""The operations with examples that wasim implements; the others are refused as
unimplemented (below)."""

REFUSED: dict[str, tuple[int, str]] = {
    # sendMessage: templates the default world does not have
    "Send Catalog Template Message": (132001, "intro_catalog_offer is not a template of "
                                      "the default world"),
    "Send Flow Template Message": (132001, "<TEMPLATE_NAME> is a placeholder"),
    "Send Message Template Interactive": (132001, "template-name is a placeholder"),
    "Send Message Template Media": (132001, "template-name is a placeholder"),
    "Send Message Template Text": (132001, "template-name is a placeholder"),
    "Send Sample Shipping Confirmation Template": (132001, "template-name is a placeholder"),
    "Send Sample Text Message": (132001, "template-name is a placeholder"),
    "Send Sample Issue Resolution Template": (132001, "sample_issue_resolution is not a "
                                              "template of the default world"),
    "Send Reply to List Message": (131008, "the example leaves out type, which then "
                                   "defaults to text (§3): text is missing"),
    # sendMessage: India-only payment messages wasim does not model
    "Send Order Details Message": (131009, "order_details (payments in India) is not "
                                   "simulated"),
    "Send Order Status Message": (131009, "order_status (payments in India) is not "
                                  "simulated"),
    # uploadImage: curl's -F rendered as JSON; uploads are multipart (tests/api/test_media.py)
    "Upload Audio": (100, "a media upload is a multipart form, not a JSON body"),
    "Upload Image": (100, "a media upload is a multipart form, not a JSON body"),
    "Upload Sticker": (100, "a media upload is a multipart form, not a JSON body"),
    # editTemplate: the example sends the template's name and language, which an edit
    # cannot change
    "Edit template": (100, "an edit takes category, components, parameter_format and "
                      "message_send_ttl_seconds only"),
}

MEDIA_KINDS = {"IMAGE": ("image/jpeg", b"\xff\xd8\xff jpeg"),
               "AUDIO": ("audio/ogg", b"OggS audio"),
               "VIDEO": ("video/mp4", b"\x00\x00\x00\x18ftypmp42"),
               "DOCUMENT": ("application/pdf", b"%PDF-1.4 doc"),
               "STICKER": ("image/webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ")}


def _examples(served: bool) -> Iterator[Any]:
    spec = load()
    for op in spec.operations():
        if op.path == "/whatsapp/webhooks" or (op.id in SERVED) != served:
            continue
        for name, value in spec.examples(op):
            yield pytest.param(op, name, value, id=f"{op.id}:{name}")


def _fill(value: Any, values: dict[str, str]) -> Any:
    """The example with its placeholders replaced by the world's values."""
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, str) and value in values:
        return values[value]
    if isinstance(value, str) and value.strip("<>").startswith("http(s)://"):
        return "https://" + value.strip("<>").removeprefix("http(s)://")  # a placeholder link
    return value


def _values(sim: Simulator) -> dict[str, str]:
    inbound = sim.customer("ana").says("hello").id
    values = {"{{Recipient-Phone-Number}}": ANA, "{{Recipient-WA-Phone-Number}}": ANA,
              "<MSGID_OF_PREV_MSG>": inbound, "<MSGID_OF_MSG_YOU_ARE_REPLYING_TO>": inbound,
              "wamid.HBgLM...": inbound, "{{Flow-ID}}": "1234567890",
              "{{Flow-Name}}": "order_flow", "<HEADER_TYPE>": "text",
              "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA=": inbound}
    for kind, (mime, data) in MEDIA_KINDS.items():
        values[f"<{kind}_OBJECT_ID>"] = sim.media.upload(data, mime)
    values["<MEDIA_OBJECT_ID>"] = values["<IMAGE_OBJECT_ID>"]
    return values


def _path(op: Operation, sim: Simulator) -> str:
    ids = {"{Version}": "v23.0", "{Phone-Number-ID}": PHONE_ID, "{WABA-ID}": WABA_ID,
           "{TEMPLATE_ID}": sim.templates.resolve("seasonal_promotion", "en_US").id}
    path = op.path
    for key, value in ids.items():
        path = path.replace(key, value)
    return re.sub(r"\{[^}]+\}", "1234567890", path)


@pytest.mark.parametrize(("op", "name", "example"), list(_examples(served=True)))
def test_each_example_of_an_operation_wasim_serves(
        sim: Simulator, client: httpx.Client, op: Operation, name: str, example: Any) -> None:
    body = _fill(example, _values(sim))
    if op.id == "createAuthenticationTemplateWOtpCopyCodeButton":
        # each its own name: two examples share one, and one is a placeholder
        body["name"] = re.sub(r"\W+", "_", name.lower()).strip("_")[:60]
    answer = client.request(op.method.upper(), _path(op, sim), json=body)
    if name in REFUSED:
        code, _reason = REFUSED[name]
        assert answer.status_code >= 400, answer.text
        assert answer.json()["error"]["code"] == code, answer.text
    else:
        assert answer.status_code == 200, f"{name}: {answer.text}"
    assert "_OBJECT_ID>" not in json.dumps(body)  # every media placeholder was filled


@pytest.mark.parametrize(("op", "name", "example"), list(_examples(served=False)))
def test_each_example_of_an_operation_wasim_does_not_serve_is_refused_as_unknown(
        sim: Simulator, client: httpx.Client, op: Operation, name: str, example: Any) -> None:
    """Operations outside the simulator (groups, calls, QR codes, solutions...): a Graph
    error (2500 for an unknown path, or 100 for an object wasim does not hold), never a
    success that would fake them."""
    answer = client.request(op.method.upper(), _path(op, sim), json=example)
    assert answer.status_code >= 400
    assert answer.json()["error"]["code"] in (100, 2500), answer.text
