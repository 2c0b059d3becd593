"""Bearer-token checks of the Graph API (§9).

No token at all → HTTP 401, code 104 (Meta's reference answer ``MissingAccessToken``);
an unknown token → 401, code 190; an expired one → 190 with subcode 463;
a token without the scope an endpoint needs → the permission error (10 / 200, HTTP 403).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from wasim.errors import ACCESS_TOKEN, NO_ACCESS_TOKEN, PERMISSION_MISSING, GraphError
from wasim.world.models import Token
from wasim.world.state import World


def bearer(authorization: str | None, query_token: str | None) -> str | None:
    """The token of a request: ``Authorization: Bearer …`` or ``?access_token=``."""
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() in ("bearer", "oauth") and value.strip():
            return value.strip()
        return None
    return query_token or None


def check_token(world: World, token: str | None, now: Callable[[], datetime],
                scope: str | None) -> Token:
    """The world's token for ``token``, or the Graph error the platform answers.

    ``now`` is the clock's ``now`` method: it is read only for a token that expires.
    """
    if token is None:
        raise NO_ACCESS_TOKEN(message=NO_ACCESS_TOKEN.title, details="")
    known = world.tokens.get(token)
    if known is None:
        raise ACCESS_TOKEN(message="Invalid OAuth access token - Cannot parse access token",
                           details="", subcode=None)
    if known.expires_at is not None:
        at = now()
        if at >= known.expires_at:
            stamp = known.expires_at.strftime("%A, %d-%b-%y %H:%M:%S UTC")
            raise ACCESS_TOKEN(
                message=f"Error validating access token: Session has expired on {stamp}. "
                f"The current time is {at.strftime('%A, %d-%b-%y %H:%M:%S UTC')}.",
                details="")
    require_scope(known, scope)
    return known


def require_scope(token: Token, scope: str | None) -> None:
    """Refuse a token that lacks ``scope`` (``messaging`` or ``management``)."""
    if scope is not None and scope not in token.scopes:
        raise permission_error(scope)


def permission_error(scope: str) -> GraphError:
    perm = f"whatsapp_business_{scope}"
    return PERMISSION_MISSING(
        message=f"(#200) Requires {perm} permission to manage the object", details="")
