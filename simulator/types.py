"""Identifier types and JSON aliases shared by every layer."""

from __future__ import annotations

from typing import Any, NewType

WabaId = NewType("WabaId", str)
PhoneNumberId = NewType("PhoneNumberId", str)
WaId = NewType("WaId", str)
MessageId = NewType("MessageId", str)

JSON = Any
JSONDict = dict[str, Any]
