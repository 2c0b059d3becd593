"""The quick scan for media ids in a template or interactive send agrees with the walk
that names their paths (``wasim.platform.media``): a send is only walked in full when the
scan finds a media object with an ``id``."""

from __future__ import annotations

from typing import Any

import pytest
from wasim.platform.media import _names_media_id, _nested_ids

CASES: list[tuple[dict[str, Any], list[tuple[str, str, str]]]] = [
    ({"name": "t", "components": [{"type": "body", "parameters": [
        {"type": "text", "text": "Ana"}]}]}, []),
    ({"name": "t", "components": [{"type": "header", "parameters": [
        {"type": "image", "image": {"link": "https://example.test/a.png"}}]}]}, []),
    ({"name": "t", "components": [{"type": "header", "parameters": [
        {"type": "image", "image": {"id": "123"}}]}]},
     [("image", "template.components[0].parameters[0].image.id", "123")]),
    ({"components": [{"type": "carousel", "cards": [{"card_index": 0, "components": [
        {"type": "header", "parameters": [{"type": "video", "video": {"id": 7}}]}]}]}]},
     [("video", "template.components[0].cards[0].components[0].parameters[0].video.id",
       "7")]),
    ({"components": [[{"document": {"id": "9"}}]]},
     [("document", "template.components[0][0].document.id", "9")]),
    ({"components": [{"image": {"id": None, "sticker": {"id": "5"}}}]},
     [("sticker", "template.components[0].image.sticker.id", "5")]),
    ({"image": "123", "audio": ["x"], "video": {"link": "l"}}, []),
]


@pytest.mark.parametrize(("content", "expected"), CASES)
def test_the_scan_finds_a_media_id_exactly_when_the_walk_does(
        content: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    assert _nested_ids(content, "template") == expected
    assert _names_media_id(content) is bool(expected)
