"""A template send's type object is checked by a quick pass first
(``rules.template_object._plainly_fine``) and by the careful pass that names the bad field only
when the quick one has a doubt: the quick pass must never let through what the careful
pass refuses or what needs lower-casing, and must pass the well-formed objects clients
send."""

from __future__ import annotations

from typing import Any

import pytest
from wasim.errors import GraphError
from wasim.platform.media import _names_media_id
from wasim.rules.template_object import (
    SCALARS_ONLY,
    _check_template_fields,
    _plainly_fine,
    _quick_pass,
    checked_template,
    normalized_template,
)

GOOD: dict[str, Any] = {"name": "shipping_update", "language": {"code": "en_US"},
                        "components": [{"type": "body", "parameters": [
                            {"type": "text", "text": "Ana"}]}]}


def variant(**changes: Any) -> dict[str, Any]:
    return {**GOOD, **changes}


CASES: list[dict[str, Any]] = [
    GOOD,
    variant(components=[]),
    {"name": "t", "language": {"code": "en"}},
    variant(name=""), variant(name=None), variant(name=7), variant(name="x" * 513),
    variant(language="en_US"), variant(language={}), variant(language={"code": ""}),
    variant(language={"code": "en", "policy": "fallback"}),
    variant(language={"code": "en", "policy": "deterministic"}),
    variant(components={"type": "body"}), variant(components=["body"]),
    variant(components=[{"type": "BODY"}]), variant(components=[{"type": "sidebar"}]),
    variant(components=[{"type": {"x": 1}}]), variant(components=[{"type": ["body"]}]),
    variant(components=[{"type": "body", "parameters": {"type": "text"}}]),
    variant(components=[{"type": "body", "parameters": ["Ana"]}]),
    variant(components=[{"type": "body", "parameters": [{"type": ""}]}]),
    variant(components=[{"type": "body", "parameters": [{"text": "Ana"}]}]),
    variant(components=[{"type": "button", "sub_type": "url", "index": "0",
                         "parameters": [{"type": "text", "text": "x"}]}]),
    variant(components=[{"type": "button", "sub_type": "QUICK_REPLY", "index": "0",
                         "parameters": [{"type": "payload", "payload": "x"}]}]),
    variant(components=[{"type": "button", "sub_type": 3, "index": "0"}]),
    variant(components=[{"type": "body", "parameters": [{"type": "TEXT", "text": "A"}]}]),
    variant(components=[{"type": "body", "parameters": [{"type": "Text", "text": "A"}]}]),
    variant(components=[{"type": "header", "parameters": [
        {"type": "image", "image": {"id": "123"}}]}]),
    variant(components=[{"type": "body", "parameters": [
        {"type": "text", "text": "A", "video": {"id": "9"}}]}]),
    variant(components=[{"type": "carousel", "cards": [{"card_index": 0, "components": [
        {"type": "header", "parameters": [{"type": "image", "image": {"id": "1"}}]}]}]}]),
    variant(components=[{"type": "body", "parameters": [{"type": "text", "text": "A"}],
                         "document": {"id": "5"}}]),
    variant(language={"code": "en", "sticker": {"id": "5"}}),
    variant(image={"id": "5"}),
    {"name": "t", "language": {"code": "en"}, "audio": {"id": "5"}},
    variant(components=[{"type": "body", "parameters": [
        {"type": "currency", "currency": {"fallback_value": "$1", "code": "USD",
                                          "amount_1000": 1000}}]}]),
]


@pytest.mark.parametrize("content", CASES)
def test_the_quick_pass_passes_only_what_the_careful_pass_passes(
        content: dict[str, Any]) -> None:
    try:
        _check_template_fields(content)
        careful_ok = True
    except GraphError:
        careful_ok = False
    if _plainly_fine(content):
        assert careful_ok
        # and it has nothing to lower-case: the quick pass hands the object on as it is
        assert normalized_template(content) is content


@pytest.mark.parametrize("content", CASES)
def test_an_object_said_to_hold_scalars_only_names_no_media_id(
        content: dict[str, Any]) -> None:
    if _quick_pass(content) == SCALARS_ONLY:
        assert not _names_media_id(content)
    if _names_media_id(content):
        assert checked_template(content)[1] is False  # the media check walks it


def test_a_well_formed_send_takes_the_quick_pass() -> None:
    assert _plainly_fine(GOOD)
    assert _quick_pass(GOOD) == SCALARS_ONLY  # and the media check need not walk it


def test_upper_case_values_take_the_careful_pass_that_lowers_them() -> None:
    content = variant(components=[{"type": "BODY", "parameters": [
        {"type": "TEXT", "text": "Ana"}]}])
    assert not _plainly_fine(content)
    assert checked_template(content)[0]["components"] == GOOD["components"]
    assert checked_template(GOOD)[0] is GOOD
