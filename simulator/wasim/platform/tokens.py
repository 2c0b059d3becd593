"""Access tokens of a world (§9): several, each with scopes and expiry.

The checks themselves (401 / 190, subcode 463 when expired; 403 / 200 without the
scope) live in ``wasim.api.auth``; this module adds and removes tokens at run time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from wasim.clock import parse_duration, parse_instant
from wasim.core import Core, Feature, locked
from wasim.errors import INVALID_PARAMETER
from wasim.world.models import Token

SCOPES = ("messaging", "management")


class Tokens(Feature):
    """The token book of the world (``expires_in`` counts from the clock's now).

    Args:
        core: The world, clock and id generator it uses.
    """

    def __init__(self, core: Core) -> None:
        self._core = core
        self._clock = core.clock
        self._ids = core.ids

    @locked
    def add(self, value: str | None = None, scopes: Iterable[str] = SCOPES, *,
            expires_in: str | float | timedelta | None = None,
            expires_at: str | datetime | None = None) -> Token:
        """Add a token (a fresh value unless given) and return it.

        Args:
            value: The bearer string; default a new random one.
            scopes: ``messaging`` and/or ``management``.
            expires_in: A duration from the simulated now (``"1h"``, seconds).
            expires_at: Or an instant.
        """
        listed = [] if isinstance(scopes, str) else list(scopes)
        if not listed or not all(isinstance(s, str) and s in SCOPES for s in listed):
            raise INVALID_PARAMETER(f"scopes must be a non-empty list of {', '.join(SCOPES)}")
        scope_set = frozenset(listed)
        if expires_in is not None and expires_at is not None:
            raise INVALID_PARAMETER("give expires_in or expires_at, not both")
        expiry = None
        if expires_in is not None:
            delta = expires_in if isinstance(expires_in, timedelta) else parse_duration(
                expires_in)
            try:
                expiry = self._clock.now() + delta
            except OverflowError:
                raise INVALID_PARAMETER(f"expires_in {expires_in!r} ends after the year 9999"
                                        ) from None
        elif expires_at is not None:
            expiry = parse_instant(expires_at)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise INVALID_PARAMETER("value must be a non-empty string")
        token = Token(value or f"EAAW{self._ids.token(20)}", scope_set, expiry)
        self._core.world.tokens[token.value] = token
        return token

    @locked
    def revoke(self, value: str) -> None:
        """Remove a token: calls with it then answer 401 / 190."""
        if self._core.world.tokens.pop(value, None) is None:
            raise INVALID_PARAMETER(f"no token {value!r} in this world")

    @locked
    def all(self) -> list[Token]:
        return list(self._core.world.tokens.values())
