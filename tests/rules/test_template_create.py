from __future__ import annotations

from typing import Any

import pytest
from wasim.errors import GraphError
from wasim.rules.template_create import validate_create

from tests.template_bodies import body_component, create_body


def refusal(body: Any, era: str = "current") -> GraphError:
    with pytest.raises(GraphError) as exc:
        validate_create(body, era)
    return exc.value


def test_a_valid_body_is_cleaned_with_upper_case_category_and_types() -> None:
    body = create_body(category="utility", components=[
        {"type": "body", "text": "Hi {{1}}, your order is ready now.",
         "example": {"body_text": [["Ana"]]}}])
    spec = validate_create(body, "current")
    assert (spec.name, spec.language, spec.category, spec.parameter_format) == (
        "order_shipped", "en_US", "UTILITY", "POSITIONAL")
    assert spec.components[0]["type"] == "BODY"


@pytest.mark.parametrize(("name", "fragment"), [
    pytest.param("Order", "lowercase", id="upper-case"),
    pytest.param("order-shipped", "lowercase", id="dash"),
    pytest.param("a" * 513, "at most 512", id="too-long"),
])
def test_bad_names_are_refused_with_100(name: str, fragment: str) -> None:
    error = refusal(create_body(name=name))
    assert (error.code, error.subcode, error.http_status) == (100, None, 400)
    assert fragment in error.details


def test_a_513_char_name_fails_but_512_passes() -> None:
    assert validate_create(create_body(name="a" * 512), "current").name == "a" * 512


@pytest.mark.parametrize("missing", ["name", "language", "components"])
def test_missing_fields_are_refused_with_100(missing: str) -> None:
    body = create_body()
    del body[missing]
    error = refusal(body)
    assert error.code == 100 and missing in error.details


def test_an_unsupported_language_is_refused_with_100() -> None:
    error = refusal(create_body(language="en_XX"))
    assert error.code == 100
    assert error.details == "Param language is not a supported template language: 'en_XX'."


@pytest.mark.parametrize(("era", "category", "accepted"), [
    pytest.param("current", "SHIPPING_UPDATE", "MARKETING, UTILITY, AUTHENTICATION",
                 id="legacy-in-current"),
    pytest.param("current", "TRANSACTIONAL", "MARKETING, UTILITY, AUTHENTICATION",
                 id="2022-in-current"),
    pytest.param("2022", "UTILITY", "TRANSACTIONAL, MARKETING, OTP", id="current-in-2022"),
    pytest.param("legacy", "MARKETING", "ACCOUNT_UPDATE, ALERT_UPDATE, APPOINTMENT_UPDATE, "
                 "ISSUE_RESOLUTION, PAYMENT_UPDATE, PERSONAL_FINANCE_UPDATE, "
                 "RESERVATION_UPDATE, SHIPPING_UPDATE, TICKET_UPDATE, "
                 "TRANSPORTATION_UPDATE, AUTO_REPLY", id="marketing-in-legacy"),
])
def test_a_category_outside_the_era_is_refused_naming_the_accepted_ones(
        era: str, category: str, accepted: str) -> None:
    error = refusal(create_body(category=category), era)
    assert (error.code, error.subcode) == (100, None)
    assert error.details == f"Invalid category {category!r}. Accepted categories: {accepted}."


@pytest.mark.parametrize(("era", "category"), [
    ("legacy", "SHIPPING_UPDATE"), ("legacy", "AUTO_REPLY"), ("2022", "TRANSACTIONAL"),
    ("2022", "OTP"), ("current", "AUTHENTICATION"), ("current", "marketing"),
])
def test_each_era_accepts_its_own_categories(era: str, category: str) -> None:
    preset = [{"type": "BODY", "add_security_recommendation": True}]  # §2.2: preset text
    body = create_body(category=category,
                       components=preset if category == "AUTHENTICATION" else None)
    assert validate_create(body, era).category == category.upper()


def test_an_authentication_body_takes_no_text_of_its_own() -> None:
    """§2.2: an AUTHENTICATION body is the platform's preset text (audit L4: free text was
    accepted and only judged at review)."""
    free = create_body(category="AUTHENTICATION", components=[
        {"type": "BODY", "text": "Hello friend, buy now {{1}} today.",
         "example": {"body_text": [["x"]]}}])
    with pytest.raises(GraphError) as caught:
        validate_create(free, "current")
    assert (caught.value.code, caught.value.subcode) == (100, 2388072)
    preset = create_body(category="AUTHENTICATION", components=[
        {"type": "BODY", "text": "*{{1}}* is your verification code.",
         "example": {"body_text": [["123456"]]}}])
    assert validate_create(preset, "current").category == "AUTHENTICATION"


def _components(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [body_component(), *extra]


@pytest.mark.parametrize(("components", "subcode", "fragment"), [
    pytest.param([body_component("x" * 1025, [])], 2388040, "limit is 1024", id="body-length"),
    pytest.param(_components({"type": "HEADER", "format": "TEXT", "text": "h" * 61}),
                 2388040, "limit is 60", id="header-length"),
    pytest.param(_components({"type": "FOOTER", "text": "f" * 61}), 2388040, "limit is 60",
                 id="footer-length"),
    pytest.param(_components({"type": "HEADER", "format": "TEXT", "text": "{{1}} {{2}}",
                              "example": {"header_text": ["a", "b"]}}), 2388047,
                 "at most one parameter", id="header-two-params"),
    pytest.param(_components({"type": "HEADER", "format": "POSTER"}), 2388047,
                 "Header format must be", id="header-format"),
    pytest.param(_components({"type": "HEADER", "format": "IMAGE"}), 2388047,
                 "header_handle", id="media-header-without-handle"),
    pytest.param([{"type": "HEADER", "format": "LOCATION"},
                  {"type": "BODY", "text": "Your login code is here."},
                  {"type": "BUTTONS", "buttons": [{"type": "OTP", "text": "Copy"}]}],
                 2388047, "LOCATION headers", id="location-header-in-auth"),
    pytest.param(_components({"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"}),
                 2388047, "example values are required", id="header-without-example"),
    pytest.param(_components({"type": "FOOTER", "text": "Bye {{1}}"}), 2388073,
                 "can't contain variable", id="footer-param"),
    pytest.param([body_component("Hi {{2}} and welcome to the shop {{1}} ok", ["a", "b"])],
                 2388072, "sequential", id="not-sequential"),
    pytest.param([body_component("Hi {{1}} and welcome to the shop {{3}} ok", ["a", "b"])],
                 2388072, "sequential", id="gap"),
    pytest.param([body_component("Hi {{name}}, welcome to our shop today.", ["a"])], 2388072,
                 "parameter_format is POSITIONAL", id="named-in-positional"),
    pytest.param([body_component("Hi {{1}}, welcome to our shop today.", [])], 2388072,
                 "1 example value", id="example-count"),
    pytest.param([{"type": "BODY", "text": "Hi {{1}}, welcome to our shop today."}], 2388072,
                 "example values are required", id="no-example"),
    pytest.param([body_component("Hi {{ 1 x}}, welcome to our shop today.", [])], 2388072,
                 "malformed", id="malformed-placeholder"),
    pytest.param([body_component("{{1}}, welcome to our shop today.", ["Ana"])], 2388299,
                 "start or end", id="leading-param"),
    pytest.param([body_component("Welcome to our shop today, {{1}}", ["Ana"])], 2388299,
                 "start or end", id="trailing-param"),
    pytest.param([body_component("Hi {{1}} {{2}} and {{3}} ok", ["a", "b", "c"])], 2388293,
                 "too many variable parameters", id="too-many-params"),
    pytest.param([{"type": "HEADER", "format": "TEXT", "text": "Hello"}], 2388072,
                 "exactly one BODY", id="no-body"),
    pytest.param([body_component(), body_component()], 2388072, "exactly one BODY",
                 id="two-bodies"),
])
def test_component_problems_carry_their_subcode(components: list[dict[str, Any]],
                                                subcode: int, fragment: str) -> None:
    category = "AUTHENTICATION" if any(c.get("format") == "LOCATION" for c in components) \
        else "UTILITY"
    error = refusal(create_body(category=category, components=components))
    assert (error.code, error.subcode, error.http_status) == (100, subcode, 400)
    assert fragment in error.details
    assert error.user_title is not None and error.user_msg == error.details


@pytest.mark.parametrize("example", [["Ana", "A-1"], ["", ""], [["Ana"], ["A-1"]], "Ana"])
def test_body_examples_are_one_array_of_values_inside_the_array(example: Any) -> None:
    """A flat body_text was accepted and then listed back against the spec's shape."""
    error = refusal(create_body(components=[{
        "type": "BODY", "text": "Hello there {{1}}, your order {{2}} has shipped today.",
        "example": {"body_text": example}}]))
    assert (error.code, error.subcode) == (100, 2388072)
    assert error.details == "example.body_text must hold one array of 2 example value(s)."


def test_named_parameters_need_named_examples() -> None:
    text = "Hi {{first_name}}, order {{order_id}} is ready for pickup."
    good = create_body(parameter_format="NAMED", components=[{
        "type": "BODY", "text": text, "example": {"body_text_named_params": [
            {"param_name": "first_name", "example": "Ana"},
            {"param_name": "order_id", "example": "A-1"}]}}])
    assert validate_create(good, "current").parameter_format == "NAMED"
    bad = create_body(parameter_format="NAMED", components=[{
        "type": "BODY", "text": text, "example": {"body_text": [["Ana", "A-1"]]}}])
    error = refusal(bad)
    assert (error.code, error.subcode) == (100, 2388072)
    assert "body_text_named_params" in error.details


@pytest.mark.parametrize(("text", "fragment"), [
    pytest.param("Hi {{First}}, your order is ready now.", "lowercase", id="upper"),
    pytest.param("Hi {{a}}, your order {{a}} is ready for pickup now.", "unique", id="dup"),
])
def test_bad_named_parameters_are_refused(text: str, fragment: str) -> None:
    error = refusal(create_body(parameter_format="NAMED",
                                components=[{"type": "BODY", "text": text}]))
    assert (error.code, error.subcode) == (100, 2388072)
    assert fragment in error.details


def test_an_unknown_parameter_format_is_refused() -> None:
    error = refusal(create_body(parameter_format="MIXED"))
    assert error.code == 100 and "POSITIONAL or NAMED" in error.details


def _buttons(*buttons: dict[str, Any]) -> list[dict[str, Any]]:
    return [body_component(), {"type": "BUTTONS", "buttons": list(buttons)}]


QR = {"type": "QUICK_REPLY", "text": "Yes"}
URL = {"type": "URL", "text": "Track", "url": "https://shop.example/t/{{1}}",
       "example": ["https://shop.example/t/A-1"]}
PHONE = {"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+15550001111"}


@pytest.mark.parametrize(("components", "subcode", "fragment"), [
    pytest.param(_buttons(*[QR] * 11), None, "at most 10 buttons", id="eleven"),
    pytest.param(_buttons(URL, URL, URL), None, "at most 2 URL", id="three-urls"),
    pytest.param(_buttons(PHONE, PHONE), None, "at most 1 PHONE_NUMBER", id="two-phones"),
    pytest.param(_buttons(QR, URL, QR), None, "grouped together", id="quick-replies-split"),
    pytest.param(_buttons({"type": "QUICK_REPLY", "text": "x" * 26}), 2388040, "limit is 25",
                 id="label-length"),
    pytest.param(_buttons({**URL, "example": None}), None, "example URL", id="url-example"),
    pytest.param(_buttons({**URL, "url": "https://x.example/{{1}}/y"}), None,
                 "at the end", id="url-var-not-suffix"),
    pytest.param(_buttons({**URL, "url": "ftp://x"}), None, "http", id="url-scheme"),
    pytest.param(_buttons({**PHONE, "phone_number": "1" * 21}), None, "at most 20",
                 id="phone-length"),
    pytest.param(_buttons({"type": "COPY_CODE", "example": "x" * 21}), None, "at most 20",
                 id="copy-code-length"),
    pytest.param(_buttons({"type": "OTP", "text": "Copy"}), None, "AUTHENTICATION",
                 id="otp-outside-auth"),
    pytest.param(_buttons({"type": "TELEPORT"}), None, "Unknown button type", id="unknown"),
    pytest.param([body_component(), {"type": "BUTTONS", "buttons": []}], None, "non-empty",
                 id="empty"),
])
def test_button_problems_are_refused(components: list[dict[str, Any]], subcode: int | None,
                                     fragment: str) -> None:
    error = refusal(create_body(components=components))
    assert (error.code, error.subcode) == (100, subcode)
    assert fragment in error.details


def test_ten_quick_replies_and_two_urls_are_fine_when_grouped() -> None:
    spec = validate_create(create_body(components=_buttons(*[QR] * 8, URL, URL)), "current")
    assert len(spec.components[1]["buttons"]) == 10


def test_unknown_components_and_non_objects_are_refused() -> None:
    assert "Unknown component type" in refusal(create_body(
        components=_components({"type": "SIDEBAR"}))).details
    assert refusal([1, 2]).details == "The request body must be a JSON object."


def _auth(*buttons: dict[str, Any], minutes: Any = 10) -> dict[str, Any]:
    return create_body("authentication_code", "AUTHENTICATION", components=[
        {"type": "BODY", "add_security_recommendation": True},
        {"type": "FOOTER", "code_expiration_minutes": minutes},
        {"type": "BUTTONS", "buttons": list(buttons)}])


COPY = {"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy Code"}


def test_authentication_bodies_and_footers_are_preset_texts() -> None:
    spec = validate_create(_auth(COPY), "current")
    body, footer = spec.components[0], spec.components[1]
    assert body["text"] == ("*{{1}}* is your verification code. For your security, do not "
                            "share this code.")
    assert footer["text"] == "This code expires in 10 minutes."


def test_a_one_tap_button_names_the_app() -> None:
    one_tap = {"type": "OTP", "otp_type": "ONE_TAP", "autofill_text": "Autofill",
               "package_name": "com.example.luckyshrub", "signature_hash": "K8a%2FAINcGX7"}
    assert validate_create(_auth(one_tap), "current").category == "AUTHENTICATION"
    error = refusal(_auth({"type": "OTP", "otp_type": "ONE_TAP"}))
    assert error.details == ("ONE_TAP buttons need package_name and signature_hash (or "
                             "supported_apps).")


@pytest.mark.parametrize(("body", "subcode", "details"), [
    pytest.param(_auth(COPY, minutes=91), 2388073,
                 "code_expiration_minutes must be an integer from 1 to 90.", id="minutes"),
    pytest.param(_auth({"type": "OTP", "text": "Copy"}), None,
                 "OTP buttons need an otp_type: COPY_CODE, ONE_TAP, ZERO_TAP.", id="otp-type"),
])
def test_authentication_refusals(body: dict[str, Any], subcode: int | None,
                                 details: str) -> None:
    error = refusal(body)
    assert (error.code, error.subcode, error.details) == (100, subcode, details)


def test_a_preset_footer_is_only_for_authentication() -> None:
    error = refusal(create_body(components=[body_component(),
                                            {"type": "FOOTER", "code_expiration_minutes": 5}]))
    assert (error.subcode, error.details) == (2388073, "The FOOTER component needs text.")
