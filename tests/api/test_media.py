from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest
from wasim import Simulator

from tests.conftest import MESSAGES, PHONE_ID, text_message

MEDIA = f"/v23.0/{PHONE_ID}/media"
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg-bytes" * 10


def upload(client: httpx.Client, data: bytes = JPEG, mime: str = "image/jpeg",
           form: dict[str, str] | None = None, url: str = MEDIA) -> httpx.Response:
    fields = {"messaging_product": "whatsapp"} if form is None else form
    return client.post(url, data=fields, files={"file": ("photo.jpg", data, mime)})


def image_message(media_id: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": "16505551234", "type": "image",
            "image": {"id": media_id, "caption": "your parcel"}}


def test_upload_answers_the_media_id(client: httpx.Client, spec_check: Any) -> None:
    response = upload(client)
    assert response.status_code == 200
    assert list(response.json()) == ["id"] and response.json()["id"].isdigit()
    assert spec_check.check_response(response.json(), op="uploadImage", status=200) == []


def test_messaging_product_may_come_in_the_query(client: httpx.Client) -> None:
    response = upload(client, form={}, url=f"{MEDIA}?messaging_product=whatsapp")
    assert response.status_code == 200


def test_an_upload_without_messaging_product_is_refused(client: httpx.Client) -> None:
    response = upload(client, form={})
    assert response.status_code == 400
    assert response.json()["error"]["error_data"]["details"] == (
        "The parameter messaging_product is required.")


def test_an_upload_without_a_file_is_refused(client: httpx.Client) -> None:
    response = client.post(MEDIA, data={"messaging_product": "whatsapp"})
    assert response.json()["error"]["code"] == 100
    assert response.json()["error"]["error_data"]["details"] == "The parameter file is required."


def test_an_unsupported_mime_type_is_refused_with_the_graph_message(
        client: httpx.Client) -> None:
    response = upload(client, b"PK\x03\x04", "application/zip")
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, 100)
    assert error["message"].startswith("(#100) Param file must be a file with one of the "
                                       "following types: audio/aac, audio/mp4")
    assert error["message"].endswith("Received file of type 'application/zip'.")


@pytest.mark.parametrize(("mime", "size", "ok"), [
    pytest.param("image/jpeg", 5 * 1024 * 1024, True, id="image-at-5MB"),
    pytest.param("image/png", 5 * 1024 * 1024 + 1, False, id="image-over-5MB"),
    pytest.param("image/webp", 500 * 1024 + 1, False, id="sticker-over-500KB"),
    pytest.param("audio/ogg", 16 * 1024 * 1024 + 1, False, id="audio-over-16MB"),
])
def test_size_limits_per_kind(client: httpx.Client, mime: str, size: int, ok: bool) -> None:
    response = upload(client, b"x" * size, mime)
    assert response.status_code == (200 if ok else 400)
    if not ok:
        assert response.json()["error"]["code"] == 131053


def test_the_type_form_field_wins_over_the_part_content_type(client: httpx.Client) -> None:
    response = client.post(MEDIA, data={"messaging_product": "whatsapp", "type": "image/png"},
                           files={"file": ("a.png", b"png", "application/octet-stream")})
    assert response.status_code == 200


def test_get_media_answers_url_mime_sha256_and_size(client: httpx.Client,
                                                    spec_check: Any) -> None:
    media_id = upload(client).json()["id"]
    body = client.get(f"/v23.0/{media_id}").json()
    assert body["id"] == media_id and body["messaging_product"] == "whatsapp"
    assert (body["mime_type"], body["sha256"], body["file_size"]) == (
        "image/jpeg", hashlib.sha256(JPEG).hexdigest(), str(len(JPEG)))
    assert "/whatsapp_business/attachments/?mid=" in body["url"]
    assert spec_check.check_response(body, op="retrieveMediaUrl", status=200) == []


def test_download_needs_the_token_and_the_url_expires_after_5_minutes(
        sim: Simulator, client: httpx.Client) -> None:
    media_id = upload(client).json()["id"]
    url = client.get(f"/v23.0/{media_id}").json()["url"]
    downloaded = client.get(url)
    assert downloaded.status_code == 200 and downloaded.content == JPEG
    assert downloaded.headers["content-type"] == "image/jpeg"
    anonymous = client.get(url, headers={"Authorization": ""})
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == 104
    sim.advance("4m59s")
    assert client.get(url).status_code == 200
    sim.advance("1s")
    expired = client.get(url)
    assert expired.status_code == 404
    assert client.get(client.get(f"/v23.0/{media_id}").json()["url"]).status_code == 200


def test_phone_number_id_must_own_the_media(client: httpx.Client) -> None:
    media_id = upload(client).json()["id"]
    assert client.get(f"/v23.0/{media_id}?phone_number_id={PHONE_ID}").status_code == 200
    other = client.get(f"/v23.0/{media_id}?phone_number_id=999")
    assert other.status_code == 400
    assert other.json()["error"]["error_data"]["details"].startswith(
        "Param phone_number_id is not a valid whatsapp business phone number id ID")


def test_delete_removes_the_media_and_its_urls(client: httpx.Client) -> None:
    media_id = upload(client).json()["id"]
    url = client.get(f"/v23.0/{media_id}").json()["url"]
    assert client.delete(f"/v23.0/{media_id}").json() == {"success": True}
    gone = client.get(f"/v23.0/{media_id}")
    assert gone.status_code == 400 and gone.json()["error"]["error_subcode"] == 33
    assert client.get(url).status_code == 404


def test_a_send_by_id_of_uploaded_media_is_accepted(sim: Simulator,
                                                    client: httpx.Client) -> None:
    sim.customer("ana").says("hi")
    media_id = upload(client).json()["id"]
    response = client.post(MESSAGES, json=image_message(media_id))
    assert response.status_code == 200
    assert sim.message(response.json()["messages"][0]["id"]).status == "delivered"


def test_a_send_by_unknown_or_expired_id_is_refused_with_131009(
        sim: Simulator, client: httpx.Client) -> None:
    sim.customer("ana").says("hi")
    unknown = client.post(MESSAGES, json=image_message("123456789"))
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == 131009
    media_id = upload(client).json()["id"]
    sim.advance("30d")
    sim.customer("ana").says("still there?")
    expired = client.post(MESSAGES, json=image_message(media_id))
    assert expired.json()["error"]["code"] == 131009
    assert "image.id" in expired.json()["error"]["error_data"]["details"]


def test_a_pdf_sent_as_an_image_fails_later_with_131053(sim: Simulator,
                                                        client: httpx.Client) -> None:
    sim.customer("ana").says("hi")
    pdf = upload(client, b"%PDF-1.4", "application/pdf").json()["id"]
    response = client.post(MESSAGES, json=image_message(pdf))
    message = sim.message(response.json()["messages"][0]["id"])
    assert message.status == "failed" and message.error is not None
    assert message.error["code"] == 131053


def test_a_send_by_link_is_accepted_without_any_fetch(sim: Simulator,
                                                      client: httpx.Client) -> None:
    sim.customer("ana").says("hi")
    body = {"messaging_product": "whatsapp", "to": "16505551234", "type": "image",
            "image": {"link": "https://unreachable.invalid/cat.jpg"}}
    assert client.post(MESSAGES, json=body).status_code == 200


def test_media_checks_can_be_switched_off(sim: Simulator, client: httpx.Client) -> None:
    sim.world.settings.update({"media_checks": False})
    sim.customer("ana").says("hi")
    assert client.post(MESSAGES, json=image_message("123")).status_code == 200


def test_a_template_header_media_id_is_checked(sim: Simulator, client: httpx.Client) -> None:
    body = {"messaging_product": "whatsapp", "to": "16505551234", "type": "template",
            "template": {"name": "seasonal_promotion", "language": {"code": "en_US"},
                         "components": [
                             {"type": "header", "parameters": [
                                 {"type": "image", "image": {"id": "404404"}}]},
                             {"type": "body", "parameters": [
                                 {"type": "text", "text": "winter"},
                                 {"type": "text", "text": "20%"}]}]}}
    response = client.post(MESSAGES, json=body)
    assert response.json()["error"]["code"] == 131009
    assert response.json()["error"]["error_data"]["details"].startswith(
        "Param template.components[0].parameters[0].image.id is not a valid media id")


def test_media_survives_export_and_import(sim: Simulator, client: httpx.Client) -> None:
    media_id = upload(client).json()["id"]
    state = sim.export_state()
    other = Simulator(now="2020-01-01T00:00:00Z")
    other.import_state(state)
    assert other.media_info is not None
    assert other.media_info(media_id) == {"id": media_id, "mime_type": "image/jpeg",
                                          "sha256": hashlib.sha256(JPEG).hexdigest(),
                                          "file_size": len(JPEG)}


def test_media_info_is_none_for_unknown_ids(sim: Simulator) -> None:
    assert sim.media_info is not None and sim.media_info("42") is None


def test_control_media_stores_a_customers_file_for_seven_days(
        sim: Simulator, client: httpx.Client) -> None:
    stored = client.post("/_sim/media", json={"mime_type": "audio/ogg", "text": "voice",
                                              "inbound": True})
    media_id = stored.json()["id"]
    assert sim.media_info is not None and sim.media_info(media_id) is not None
    sim.advance("7d")
    assert sim.media_info(media_id) is None


def test_a_malformed_multipart_body_is_a_100_not_a_500(client: httpx.Client) -> None:
    response = client.post(MEDIA, content=b"--x\r\nbroken",
                           headers={"content-type": "multipart/form-data; boundary=x"})
    assert response.status_code == 400 and response.json()["error"]["code"] == 100


def test_a_token_without_messaging_cannot_read_media(sim: Simulator,
                                                     client: httpx.Client) -> None:
    media_id = upload(client).json()["id"]
    sim.tokens.add("mgmt", ["management"])
    response = client.get(f"/v23.0/{media_id}", headers={"Authorization": "Bearer mgmt"})
    assert response.status_code == 403 and response.json()["error"]["code"] == 200


def test_text_sends_are_untouched_by_media_rules(sim: Simulator, client: httpx.Client) -> None:
    sim.customer("ana").says("hi")
    assert client.post(MESSAGES, json=text_message()).status_code == 200


def test_delete_matches_the_spec(client: httpx.Client, spec_check: Any) -> None:
    media_id = upload(client).json()["id"]
    body = client.delete(f"/v23.0/{media_id}").json()
    assert spec_check.check_response(body, op="deleteMedia", status=200) == []


def test_phone_number_id_on_a_customers_media_is_refused(sim: Simulator,
                                                         client: httpx.Client) -> None:
    media_id = sim.media.upload(b"voice", "audio/ogg", inbound=True)
    assert client.get(f"/v23.0/{media_id}").status_code == 200
    refused = client.get(f"/v23.0/{media_id}?phone_number_id={PHONE_ID}")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == 100


def test_control_media_refuses_a_non_string_filename(client: httpx.Client) -> None:
    response = client.post("/_sim/media", json={"mime_type": "image/png", "text": "x",
                                                "filename": ["a"]})
    assert response.status_code == 400
    assert response.json()["error"]["error_data"]["details"] == "filename must be a string"


def test_a_pinned_media_id_is_kept_and_cannot_be_reused(sim: Simulator,
                                                        client: httpx.Client) -> None:
    stored = client.post("/_sim/media", json={"mime_type": "audio/ogg", "text": "v",
                                              "id": "1013859600285442", "inbound": True})
    assert stored.json() == {"id": "1013859600285442"}
    sim.inbound("16505551234", type="audio", content={"id": "1013859600285442"})
    again = client.post("/_sim/media", json={"mime_type": "audio/ogg", "text": "v",
                                             "id": "1013859600285442"})
    assert again.status_code == 400 and again.json()["error"]["code"] == 100
