"""§8 media types and sizes, and the template language policy (audit 2, L14)."""

from __future__ import annotations

import httpx
import pytest

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.api.test_media import upload
from tests.conftest import ANA, MESSAGES

KB = 1024


def webp(size: int, *, animated: bool) -> bytes:
    """A RIFF/WEBP file of ``size`` bytes whose VP8X header carries the animation flag
    when ``animated``."""
    flags = 0x12 if animated else 0x10
    head = b"RIFF" + (size - 8).to_bytes(4, "little") + b"WEBP" + b"VP8X"
    head += (10).to_bytes(4, "little") + bytes([flags]) + b"\x00" * 9
    return head + b"\x00" * (size - len(head))


def test_audio_opus_is_not_an_accepted_type(client: httpx.Client) -> None:
    response = upload(client, b"OggS" + b"\x00" * 60, "audio/opus")
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, 100)
    assert "audio/opus" not in error["message"].split("Received")[0]
    assert error["message"].endswith("Received file of type 'audio/opus'.")
    assert upload(client, b"OggS" + b"\x00" * 60, "audio/ogg").status_code == 200


@pytest.mark.parametrize(("size", "animated", "ok"), [
    pytest.param(100 * KB, False, True, id="static-at-100KB"),
    pytest.param(100 * KB + 1, False, False, id="static-over-100KB"),
    pytest.param(500 * KB, True, True, id="animated-at-500KB"),
    pytest.param(500 * KB + 1, True, False, id="animated-over-500KB"),
])
def test_sticker_size_depends_on_animation(client: httpx.Client, size: int, animated: bool,
                                           ok: bool) -> None:
    response = upload(client, webp(size, animated=animated), "image/webp")
    if ok:
        assert response.status_code == 200, response.text
    else:
        limit = 500 * KB if animated else 100 * KB
        assert_graph_error(response, status=400, code=131053,
                           message="(#131053) Media upload error",
                           details=f"The sticker file is {size} bytes; image/webp media may "
                                   f"be at most {limit} bytes.")


def template(policy: object) -> dict[str, object]:
    return {"messaging_product": "whatsapp", "to": ANA, "type": "template",
            "template": {"name": "hello_world",
                         "language": {"code": "en_US", "policy": policy}}}


@pytest.mark.parametrize("policy", ["fallback", "", 1])
def test_template_language_policy_other_than_deterministic_is_refused(
        client: httpx.Client, policy: object) -> None:
    assert_graph_error(client.post(MESSAGES, json=template(policy)), status=400, code=131009,
                       message="(#131009) Parameter value is not valid",
                       details="Parameter template.language.policy must be deterministic.")


def test_template_language_policy_deterministic_is_accepted(client: httpx.Client) -> None:
    assert_accepted(client.post(MESSAGES, json=template("deterministic")), template=True)
