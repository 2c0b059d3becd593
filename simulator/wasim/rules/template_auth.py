"""Authentication templates at creation (§2.2, §2.4): preset body and footer texts, the
OTP button, and what such a template may not hold.

An AUTHENTICATION body is Meta's preset text (``add_security_recommendation`` adds the
security sentence) and its footer the code's expiry (``code_expiration_minutes``, 1 to
90); its only button is one OTP button (COPY_CODE, ONE_TAP or ZERO_TAP) and it takes no
media header (§2.2: no media, no URLs).
"""

from __future__ import annotations

from typing import Any

from wasim.errors import INVALID_PARAMETER, GraphError

FOOTER_FORMAT = 2388073
BODY_FORMAT = 2388072


def refuse(details: str, subcode: int | None = None, title: str | None = None) -> GraphError:
    """A code 100 refusal; with a subcode it carries ``error_user_title``/``_msg`` (§2.4)."""
    return INVALID_PARAMETER(details, subcode=subcode, user_title=title,
                             user_msg=details if title else None)


AUTH_BODY = "*{{1}}* is your verification code."
AUTH_SECURITY = " For your security, do not share this code."
AUTH_FOOTER = "This code expires in {minutes} minutes."
OTP_TYPES = ("COPY_CODE", "ONE_TAP", "ZERO_TAP")
AUTH_CATEGORIES = ("AUTHENTICATION", "OTP")


def preset_auth(component: dict[str, Any], kind: str) -> dict[str, Any]:
    """AUTHENTICATION bodies and footers are preset texts (M-TCOMP, SPEC create example):
    ``add_security_recommendation`` and ``code_expiration_minutes`` (1 to 90) choose them."""
    if kind == "BODY" and "text" in component and component["text"] not in (
            AUTH_BODY, AUTH_BODY + AUTH_SECURITY):
        raise refuse("Authentication templates use the platform's preset body text: give "
                     "add_security_recommendation instead of a text.", BODY_FORMAT,
                     "Body Format Is Incorrect")
    if kind == "BODY" and "text" not in component:
        security = component.get("add_security_recommendation") is True
        return {**component, "text": AUTH_BODY + (AUTH_SECURITY if security else ""),
                "example": {"body_text": [["123456"]]}}
    if kind == "FOOTER" and "text" not in component:
        minutes = component.get("code_expiration_minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 90:
            raise refuse("code_expiration_minutes must be an integer from 1 to 90.",
                         FOOTER_FORMAT, "Footer Format Is Incorrect")
        return {**component, "text": AUTH_FOOTER.format(minutes=minutes)}
    return component


def otp_button(button: dict[str, Any], category: str) -> None:
    """OTP buttons: AUTHENTICATION only; ``otp_type`` COPY_CODE, ONE_TAP or ZERO_TAP, the
    last two naming the app (``package_name`` + ``signature_hash`` or ``supported_apps``)."""
    if category not in ("AUTHENTICATION", "OTP"):
        raise refuse("OTP buttons are only for AUTHENTICATION templates.")
    otp_type = str(button.get("otp_type", "")).upper()
    if otp_type not in OTP_TYPES:
        raise refuse(f"OTP buttons need an otp_type: {', '.join(OTP_TYPES)}.")
    if otp_type != "COPY_CODE" and not button.get("supported_apps") and not (
            button.get("package_name") and button.get("signature_hash")):
        raise refuse(f"{otp_type} buttons need package_name and signature_hash (or "
                     "supported_apps).")
