"""Create-request builders shared by the template tests."""

from __future__ import annotations

from typing import Any

from tests.conftest import WABA_ID

TEMPLATES = f"/v23.0/{WABA_ID}/message_templates"


def body_component(text: str = "Hi {{1}}, your order {{2}} has shipped today.",
                   examples: list[str] | None = None) -> dict[str, Any]:
    component: dict[str, Any] = {"type": "BODY", "text": text}
    if examples is None and "{{" in text:
        examples = ["Ana", "A-1001", "x", "y", "z"][: text.count("{{")]
    if examples is not None:
        component["example"] = {"body_text": [examples]}
    return component


def create_body(name: str = "order_shipped", category: str = "UTILITY",
                language: str = "en_US", components: list[dict[str, Any]] | None = None,
                **extra: Any) -> dict[str, Any]:
    return {"name": name, "language": language, "category": category,
            "components": components if components is not None else [body_component()],
            **extra}


def auth_body(name: str = "login_code", **extra: Any) -> dict[str, Any]:
    return create_body(name, "AUTHENTICATION", components=[
        {"type": "BODY", "add_security_recommendation": True},
        {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE",
                                          "text": "Copy code"}]}], **extra)
