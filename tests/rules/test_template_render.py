"""The length check of a template send counts the rendered text without building it
(``rules.template_lengths.rendered_length``): it must agree with the text a plain
substitution builds, placeholder by placeholder."""

from __future__ import annotations

from typing import Any

import pytest
from wasim.rules.template_lengths import _value, rendered_length
from wasim.world.models import PLACEHOLDER


def render(body: str, params: list[dict[str, Any]], named: bool) -> str:
    """The rendered text itself (the test's oracle): names are ``"1"``, ``"2"``... when
    positional, ``parameter_name`` when named; an unknown name stays as written."""
    values = ({str(p.get("parameter_name")): _value(p) for p in params} if named
              else {str(i): _value(p) for i, p in enumerate(params, start=1)})
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


CASES: list[tuple[str, list[dict[str, Any]], bool]] = [
    ("Hi {{1}}, order {{2}} shipped.", [text("Ana"), text("A-1001")], False),
    ("{{1}}{{1}} and {{ 2 }}", [text("xy"), text("")], False),
    ("No placeholders at all", [], False),
    ("Missing {{3}} stays as written", [text("a")], False),
    ("Hello {{first_name}}, {{ code }}!", [
        {"type": "text", "text": "Bo", "parameter_name": "first_name"},
        {"type": "currency", "parameter_name": "code",
         "currency": {"fallback_value": "$10.99", "code": "USD", "amount_1000": 10990}}],
     True),
    ("Due {{1}}", [{"type": "date_time", "date_time": {"fallback_value": "May 1"}}], False),
    ("{{1}} {{2", [text("é" * 70)], False),
]


@pytest.mark.parametrize(("body", "params", "named"), CASES)
def test_rendered_length_is_the_length_of_the_rendered_text(
        body: str, params: list[dict[str, Any]], named: bool) -> None:
    assert rendered_length(body, params, named) == len(render(body, params, named))


@pytest.mark.parametrize("body", ["{{01}} and {{1}}", "{{0}}{{3}}", "{{1x}}", "{{ 2 }}{{2}}"])
def test_positional_names_match_render_exactly(body: str) -> None:
    params = [text("one"), text("two!")]
    assert rendered_length(body, params, False) == len(render(body, params, False))
