"""The words steps and expectations share: message types, statuses, channels."""

from __future__ import annotations

from wasim.platform import inbound
from wasim.rules import payloads

INBOUND_TYPES = inbound.INBOUND_TYPES
"""What a customer can send (§5.1), as ``wasim.platform.inbound`` accepts."""

SEND_TYPES = payloads.SEND_TYPES
"""What a business can send through ``POST /{phone-number-id}/messages`` (§3)."""

STATUSES = ("accepted", "sent", "delivered", "read", "played", "failed")
STATUS = {"enum": list(STATUSES)}
"""The JSON Schema of one status."""
ERROR_CHANNELS = ("sync", "webhook")
WINDOW_STATES = ("open", "closed")
