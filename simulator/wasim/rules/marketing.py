"""Marketing templates to US numbers (§6, per-user marketing limit row).

Since 2025-04-01 WhatsApp does not deliver marketing templates to users with US phone
numbers (+1 and a US area code): the send is accepted (200 + wamid), then its status
webhook is ``failed`` with 131049, and nothing is charged. Meta calls it a pause; it has
not ended as of the rules this simulator follows.

A US number here is a ``1`` followed by ten digits whose area code is not one of the other
NANP countries' (Canada and the Caribbean, listed below). US territories (Puerto Rico,
Guam, the US Virgin Islands, the Northern Mariana Islands, American Samoa) count as US.
Simulator deviation: Meta does not publish how it decides a number is American; this is
the area-code reading of "+1 with a US area code".
"""

from __future__ import annotations

from datetime import date

US_MARKETING_PAUSE_FROM = date(2025, 4, 1)

NON_US_AREA_CODES = frozenset({
    # Canada
    "204", "226", "236", "249", "250", "257", "263", "289", "306", "343", "354", "365",
    "367", "368", "382", "387", "403", "416", "418", "428", "431", "437", "438", "450",
    "460", "468", "474", "506", "514", "519", "548", "579", "581", "584", "587", "600",
    "604", "613", "622", "633", "639", "644", "647", "655", "672", "677", "683", "688",
    "705", "709", "742", "753", "778", "780", "782", "807", "819", "825", "867", "873",
    "879", "902", "905", "942",
    # the Caribbean and Bermuda
    "242", "246", "264", "268", "284", "345", "441", "473", "649", "658", "664", "721",
    "758", "767", "784", "809", "829", "849", "868", "869", "876",
})
"""NANP area codes that are not the United States' (Canada, the Caribbean, Bermuda)."""


def is_us_number(wa_id: str) -> bool:
    """Whether ``wa_id`` (digits only) is a US phone number: ``1`` + a US area code."""
    return (len(wa_id) == 11 and wa_id.startswith("1")
            and wa_id[1:4] not in NON_US_AREA_CODES)


def us_marketing_paused(wa_id: str, on: date) -> bool:
    """Whether a marketing template to ``wa_id`` sent under the rules of ``on`` is not
    delivered (131049, §6)."""
    return on >= US_MARKETING_PAUSE_FROM and is_us_number(wa_id)
