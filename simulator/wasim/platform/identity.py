"""The customer's and the business's numbers on a send or a number change (§4.3, §5.1, §11)."""

from __future__ import annotations

from collections.abc import Callable

from wasim.errors import SAME_NUMBER, GraphError
from wasim.rules.payloads import normalize_phone
from wasim.rules.regions import region_of
from wasim.world.models import Contact, PhoneNumber
from wasim.world.state import BusinessAccount, WorldSettings


def own_number_failure(settings: WorldSettings, phone: PhoneNumber,
                       wa_id: str) -> GraphError | None:
    """A send to the sending number itself: 131021 (§4.3), raised at once under
    ``own_number_mode: sync`` (the default; the channel is UNCERTAIN), else returned for
    the message to fail by webhook."""
    if normalize_phone(phone.display_phone_number) != wa_id:
        return None
    error = SAME_NUMBER()
    if settings.own_number_mode == "sync":
        raise error
    return error


def changed_number(account: BusinessAccount, old: Contact, new_wa_id: str | None,
                   bsuid: Callable[[str], str]) -> None:
    """After ``user_changed_number`` (§5.1, §11) the user is reached at the new number,
    under a new BSUID (a changed number gets a new one), with the same profile name,
    marketing opt-out and alias; the old number stays a contact of its own, without the
    alias. A number already known keeps its contact."""
    if not new_wa_id or new_wa_id == old.wa_id or new_wa_id in account.contacts:
        return
    account.contacts[new_wa_id] = Contact(new_wa_id, old.name, bsuid(region_of(new_wa_id)),
                                          old.opted_out_marketing, old.alias)
    old.alias = None
