"""The one error type of the simulator and the catalogue of Graph errors it raises.

Every platform rule raises :class:`GraphError`; only ``wasim.api`` turns it into the
Graph error envelope (§4.1), and ``webhooks`` into the async error
object of ``statuses[].errors[]`` (§4.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import EllipsisType
from typing import Any

ERROR_DOCS_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """A catalogue entry: one Graph error code as the platform reports it (§4.3)."""

    code: int
    title: str
    http_status: int = 400
    type: str = "OAuthException"
    details: str = ""
    subcode: int | None = None
    transient: bool = False

    def __call__(
        self,
        details: str | None = None,
        *,
        subcode: int | EllipsisType | None = ...,
        message: str | None = None,
        http_status: int | None = None,
        user_title: str | None = None,
        user_msg: str | None = None,
    ) -> GraphError:
        """Build the error, optionally with request-specific details (``subcode=None``
        drops the catalogue's subcode)."""
        return GraphError(
            code=self.code,
            title=self.title,
            details=self.details if details is None else details,
            http_status=self.http_status if http_status is None else http_status,
            type=self.type,
            subcode=self.subcode if subcode is ... else subcode,
            message=message,
            transient=self.transient,
            user_title=user_title,
            user_msg=user_msg,
        )


class GraphError(Exception):
    """A platform refusal carrying everything the Graph envelope needs.

    Args:
        code: The Graph error code (``131047``, ``132001`` ...).
        title: The short title; the envelope message is ``(#code) title``.
        details: ``error_data.details``.
        http_status: The HTTP status of the synchronous response.
        type: ``OAuthException`` for most errors.
        subcode: ``error_subcode`` where the platform sends one.
        message: Overrides ``(#code) title`` where Graph words it differently.
        transient: Sets ``is_transient`` (rate limits).
        user_title: ``error_user_title`` (template management errors carry one).
        user_msg: ``error_user_msg``.
    """

    def __init__(
        self,
        *,
        code: int,
        title: str,
        details: str = "",
        http_status: int = 400,
        type: str = "OAuthException",
        subcode: int | None = None,
        message: str | None = None,
        transient: bool = False,
        user_title: str | None = None,
        user_msg: str | None = None,
    ) -> None:
        self.code = code
        self.title = title
        self.details = details
        self.http_status = http_status
        self.type = type
        self.subcode = subcode
        self.message = message if message is not None else f"(#{code}) {title}"
        self.transient = transient
        self.user_title = user_title
        self.user_msg = user_msg
        super().__init__(self.message)

    def envelope(self, fbtrace_id: str) -> dict[str, Any]:
        """The synchronous Graph error body (§4.1)."""
        error: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.transient:
            error["is_transient"] = True
        if self.user_title is not None:
            error["error_user_title"] = self.user_title
        if self.user_msg is not None:
            error["error_user_msg"] = self.user_msg
        error["fbtrace_id"] = fbtrace_id
        return {"error": error}

    def webhook_error(self) -> dict[str, Any]:
        """The asynchronous error object of ``statuses[].errors[]`` (§1.3, §4.2)."""
        return {
            "code": self.code,
            "title": self.title,
            "message": self.title,
            "error_data": {"details": self.details},
            "href": ERROR_DOCS_HREF,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON form for the journal and state export."""
        return {
            "code": self.code,
            "title": self.title,
            "details": self.details,
            "http_status": self.http_status,
            "type": self.type,
            "subcode": self.subcode,
            "message": self.message,
            "transient": self.transient,
            "user_title": self.user_title,
            "user_msg": self.user_msg,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GraphError:
        return cls(**data)


# --- catalogue (§4.3; HTTP statuses from §4.1) -----------------------

API_UNKNOWN = ErrorSpec(1, "An unknown error occurred", http_status=500)
API_SERVICE = ErrorSpec(2, "Service temporarily unavailable", http_status=500, transient=True)
API_TOO_MANY_CALLS = ErrorSpec(4, "Application request limit reached", http_status=429,
                               transient=True)
PERMISSION_DENIED = ErrorSpec(10, "Application does not have permission for this action",
                              http_status=403)
INVALID_PARAMETER = ErrorSpec(100, "Invalid parameter")
NO_ACCESS_TOKEN = ErrorSpec(104, "An access token is required to request this resource.",
                            http_status=401)
ACCESS_TOKEN = ErrorSpec(190, "Invalid OAuth access token", http_status=401, subcode=463)
PERMISSION_MISSING = ErrorSpec(200, "Permissions error", http_status=403)
UNKNOWN_PATH = ErrorSpec(2500, "Unknown path components", http_status=400)
WABA_RATE_LIMIT = ErrorSpec(80007, "Rate limit issues", http_status=429, transient=True)
THROUGHPUT = ErrorSpec(130429, "Rate limit hit",
                       details="Cloud API message throughput has been reached.")
EXPERIMENT = ErrorSpec(130472, "User's number is part of an experiment",
                       details="Failed to send message because this user's phone number is "
                       "part of an experiment")
GENERIC = ErrorSpec(131000, "Something went wrong",
                    details="Message failed to send due to an unknown error.")
MISSING_PARAMETER = ErrorSpec(131008, "Required parameter is missing")
INVALID_VALUE = ErrorSpec(131009, "Parameter value is not valid")
UNDELIVERABLE = ErrorSpec(131026, "Message undeliverable",
                          details="Unable to deliver message.")
SAME_NUMBER = ErrorSpec(131021, "Recipient cannot be sender.",
                        details="Sender and recipient phone number is the same.")
RE_ENGAGEMENT = ErrorSpec(
    131047,
    "Re-engagement message",
    details="Message failed to send because more than 24 hours have passed since the "
    "customer last replied to this number.",
)
ECOSYSTEM = ErrorSpec(131049, "This message was not delivered to maintain healthy ecosystem "
                      "engagement.", details="In order to maintain a healthy ecosystem "
                      "engagement, the message failed to be delivered.")
MARKETING_OPT_OUT = ErrorSpec(131050, "Unable to deliver the message. This recipient has "
                              "chosen to stop receiving marketing messages on WhatsApp from "
                              "your business.",
                              details="The user has stopped marketing messages from this "
                              "business.")
UNSUPPORTED_TYPE = ErrorSpec(131051, "Unsupported message type",
                             details="Message type is not currently supported.")
PAIR_RATE_LIMIT = ErrorSpec(131056, "(Business Account, Consumer Account) pair rate limit hit",
                            details="Too many messages sent from the sender phone number to "
                            "the same recipient phone number in a short period of time.")
PARAM_COUNT = ErrorSpec(132000, "Number of parameters does not match the expected number "
                        "of params")
TEXT_TOO_LONG = ErrorSpec(132005, "Translated text too long")
TEMPLATE_MISSING = ErrorSpec(132001, "Template name does not exist in the translation")
PARAM_FORMAT = ErrorSpec(132012, "Parameter format does not match format in the created "
                         "template")
TEMPLATE_PAUSED = ErrorSpec(132015, "Template is Paused",
                            details="Template is paused due to low quality so it cannot be "
                            "sent in a template message.")
TEMPLATE_DISABLED = ErrorSpec(132016, "Template is disabled",
                              details="Template has been paused too many times due to low "
                              "quality and is now permanently disabled.")
TEMPLATE_VALIDATION = ErrorSpec(132018, "There was an issue with the parameters in your "
                                "template.")
MEDIA_UPLOAD = ErrorSpec(131053, "Media upload error",
                        details="Unable to upload the media used in the message.")
SPAM_RATE_LIMIT = ErrorSpec(131048, "Spam rate limit hit",
                            details="Message failed to send because there are restrictions "
                            "on how many messages can be sent from this phone number.")
REGISTRATION_LIMIT = ErrorSpec(133016, "Account register or deregister rate limit exceeded",
                               details="Too many registration or deregistration attempts for "
                               "this phone number in a short period of time.")
PIN_MISMATCH = ErrorSpec(133005, "Two step verification PIN Mismatch",
                         details="The PIN does not match the two-step verification PIN of "
                         "this number.")
NOT_REGISTERED = ErrorSpec(133010, "Phone number Not Registered",
                           details="Phone number is not registered on the Business Platform.")

CATALOGUE: dict[int, ErrorSpec] = {
    spec.code: spec
    for spec in (
        API_UNKNOWN, API_SERVICE, API_TOO_MANY_CALLS, PERMISSION_DENIED, INVALID_PARAMETER,
        NO_ACCESS_TOKEN, ACCESS_TOKEN, PERMISSION_MISSING, UNKNOWN_PATH, WABA_RATE_LIMIT,
        THROUGHPUT,
        EXPERIMENT, GENERIC, MISSING_PARAMETER, INVALID_VALUE, UNDELIVERABLE, RE_ENGAGEMENT,
        ECOSYSTEM, MARKETING_OPT_OUT, UNSUPPORTED_TYPE, PAIR_RATE_LIMIT, PARAM_COUNT,
        TEMPLATE_MISSING, TEXT_TOO_LONG, PARAM_FORMAT, TEMPLATE_PAUSED, TEMPLATE_DISABLED,
        TEMPLATE_VALIDATION, NOT_REGISTERED, MEDIA_UPLOAD, SPAM_RATE_LIMIT,
        REGISTRATION_LIMIT, PIN_MISMATCH, SAME_NUMBER,
    )
}


def by_code(code: int, details: str | None = None) -> GraphError:
    """The catalogue error for ``code`` (a generic one for codes the catalogue lacks)."""
    spec = CATALOGUE.get(code)
    if spec is None:
        return GraphError(code=code, title=f"Error {code}", details=details or "")
    return spec(details)


FAILURE_RULES: dict[int, str] = {
    131047: "§1.3 free-form message outside the 24-hour customer service window",
    131049: "§6 marketing template to a US number (us_marketing_pause, rules_as_of)",
    131050: "§6 marketing template to a customer who opted out of marketing",
    131048: "§6 business-initiated send past the messaging limit tier",
    131053: "§8 media whose type or size does not fit the message",
    131026: "§5.2 message undeliverable to this customer",
    131000: "§4.3 something went wrong (a fault injected by /_sim/faults)",
}
"""The rule (section of docs/rules.md) behind each asynchronous failure code, as the inbox
page and the conversations listing name it beside a failed message."""
