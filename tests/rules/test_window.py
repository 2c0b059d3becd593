from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from wasim.rules import window

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        pytest.param(timedelta(0), True, id="at-the-message"),
        pytest.param(timedelta(hours=23, minutes=59, seconds=59), True, id="23:59:59"),
        pytest.param(timedelta(hours=24), False, id="24:00:00"),
        pytest.param(timedelta(hours=25), False, id="25h"),
    ],
)
def test_window_is_open_until_exactly_24_hours_after_the_last_message(
    elapsed: timedelta, expected: bool
) -> None:
    assert window.is_open(T0, T0 + elapsed) is expected


def test_window_never_opened_is_closed() -> None:
    assert window.is_open(None, T0) is False
    assert window.closes_at(None) is None


def test_templates_are_allowed_outside_the_window() -> None:
    assert window.violation("template", None, T0) is None


@pytest.mark.parametrize("kind", ["text", "image", "interactive", "reaction", "location"])
def test_free_form_types_outside_the_window_meet_131047(kind: str) -> None:
    error = window.violation(kind, T0, T0 + timedelta(hours=24))
    assert error is not None
    assert error.code == 131047
    assert error.webhook_error() == {
        "code": 131047,
        "title": "Re-engagement message",
        "message": "Re-engagement message",
        "error_data": {"details": "Message failed to send because more than 24 hours have "
                       "passed since the customer last replied to this number."},
        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
    }


@pytest.mark.parametrize(
    ("kind", "reaction_opens", "expected"),
    [
        pytest.param("text", True, True, id="text"),
        pytest.param("button", True, True, id="quick-reply"),
        pytest.param("system", True, False, id="system-does-not"),
        pytest.param("reaction", True, True, id="reaction-default"),
        pytest.param("reaction", False, False, id="reaction-setting-off"),
    ],
)
def test_which_inbound_types_open_the_window(kind: str, reaction_opens: bool,
                                             expected: bool) -> None:
    assert window.opens_window(kind, reaction_opens=reaction_opens) is expected
