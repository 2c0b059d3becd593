"""The send-time template check reads the template once (``rules.template_shape``) and
accepts a plainly fitting send in one quick pass (``rules.templates.plainly_fits``); any
doubt goes to the careful pass, rule by rule. The quick pass must never accept what the
careful pass refuses, must be taken by the usual sends, and a kept shape must follow
the template when it changes."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from wasim.errors import GraphError
from wasim.rules.template_shape import read_shape, shape_of
from wasim.rules.templates import check_carefully, check_parameters, grouped, plainly_fits
from wasim.world.models import Template


def template(components: list[dict[str, Any]], *, fmt: str = "POSITIONAL",
             category: str = "UTILITY") -> Template:
    return Template("1", "t", "en_US", category, "APPROVED", components,
                    parameter_format=fmt)


BODY2 = {"type": "BODY", "text": "Hi {{1}}, order {{2}} shipped."}
TEMPLATES = [
    template([BODY2]),
    template([{"type": "BODY", "text": "No parameters."}]),
    template([{"type": "BODY", "text": "Code {{1}}"}], category="AUTHENTICATION"),
    template([{"type": "BODY", "text": "Hi {{name}}"}], fmt="NAMED"),
    template([{"type": "HEADER", "format": "TEXT", "text": "For {{1}}"}, BODY2]),
    template([BODY2, {"type": "BUTTONS", "buttons": [
        {"type": "QUICK_REPLY", "text": "Stop"}]}]),
    template([BODY2, {"type": "BUTTONS", "buttons": [
        {"type": "URL", "text": "Track", "url": "https://x.example/{{1}}"}]}]),
    template([{"type": "BODY", "text": "{{1}}" + "x" * 1020}, {"type": "FOOTER",
                                                              "text": "f"}]),
    template([{"type": "BODY", "text": "{{01}} and {{1}}"}]),
]


def text(value: Any) -> dict[str, Any]:
    return {"type": "text", "text": value}


VALUES: list[Any] = ["Ana", "", "   ", "a\nb", "a\tb", "a     b", "x" * 40, None, 7,
                     "y" * 32_769]
PARAMS: list[list[dict[str, Any]]] = [[]]
PARAMS += [[text(v)] for v in VALUES]
PARAMS += [[text(a), text(b)] for a, b in itertools.product(VALUES[:7], repeat=2)]
PARAMS += [
    [{"type": "currency", "currency": {"fallback_value": "$1", "code": "USD",
                                       "amount_1000": 1000}}, text("A-1")],
    [{"type": "TEXT", "text": "Ana"}, text("A-1")],
    [{"type": "text", "text": "Ana", "parameter_name": "name"}],
    [{"type": "text", "text": "Ana", "parameter_name": None}, text("A-1")],
    [text("Ana"), text("A-1"), text("extra")],
]


def careful_ok(shape: Any, components: list[dict[str, Any]]) -> bool:
    header, body, buttons = grouped(components)
    try:
        check_carefully(shape, components, header, body, buttons)
    except GraphError:
        return False
    return True


@pytest.mark.parametrize("tpl", TEMPLATES, ids=lambda t: str(t.components)[:60])
def test_the_quick_pass_accepts_only_what_the_careful_pass_accepts(tpl: Template) -> None:
    shape = read_shape(tpl)
    quick_taken = 0
    for params in PARAMS:
        components = [{"type": "body", "parameters": params}]
        if plainly_fits(shape, params):
            quick_taken += 1
            assert careful_ok(shape, components), params
    if tpl.components[0] is BODY2 and len(tpl.components) == 1:
        assert quick_taken > 0  # the usual send is taken by the quick pass


def test_the_usual_send_takes_the_quick_pass() -> None:
    shape = read_shape(TEMPLATES[0])
    assert plainly_fits(shape, [text("Ana"), text("A-1001")])
    assert not plainly_fits(shape, [text("Ana")])  # a doubt: the careful pass answers


def test_a_refused_send_gets_the_careful_passs_code() -> None:
    tpl = TEMPLATES[0]
    with pytest.raises(GraphError) as caught:
        check_parameters(tpl, [{"type": "body", "parameters": [text("Ana")]}])
    assert caught.value.code == 132000
    with pytest.raises(GraphError) as caught:
        check_parameters(tpl, [{"type": "body", "parameters": [text("Ana"), text("a\nb")]}])
    assert caught.value.code == 132018
    with pytest.raises(GraphError) as caught:
        check_parameters(TEMPLATES[7], [{"type": "body", "parameters": [text("z" * 10)]}])
    assert caught.value.code == 132005


def test_a_kept_shape_follows_the_template() -> None:
    tpl = template([BODY2])
    first = shape_of(tpl)
    assert shape_of(tpl) is first  # kept between sends
    check_parameters(tpl, [{"type": "body", "parameters": [text("Ana"), text("A-1")]}])
    tpl.components = [{"type": "BODY", "text": "Hi {{1}}"}]  # an edit: new components
    assert shape_of(tpl) is not first
    with pytest.raises(GraphError) as caught:
        check_parameters(tpl, [{"type": "body", "parameters": [text("Ana"), text("A-1")]}])
    assert caught.value.code == 132000
    tpl.parameter_format = "NAMED"
    assert shape_of(tpl).named
    tpl.category = "AUTHENTICATION"
    assert shape_of(tpl).authentication


def test_the_kept_shape_is_not_part_of_the_templates_state() -> None:
    tpl = template([BODY2])
    shape_of(tpl)
    assert "shape" not in tpl.to_dict()
    assert Template.from_dict(tpl.to_dict()) == tpl
    assert Template.from_dict(tpl.to_dict()).shape is None
