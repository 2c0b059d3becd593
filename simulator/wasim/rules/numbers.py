"""The WhatsApp id a send's ``to`` resolves to (§3 "to"; the audit's M5).

``to`` may carry ``+``, spaces, ``-``, ``.`` and ``()``; what remains must be ASCII digits.
Then, exactly:

1. with a leading ``+`` the digits are the international number;
2. without it, a leading ``00`` is the international call prefix and is dropped;
3. a single leading ``0`` is a national trunk prefix: it is replaced by the country code
   of the business number that sends;
4. a number no longer than the business number's national part (10 digits for a +1
   business number) is national too: the business number's country code is prepended;
5. anything else is taken as international as it stands.

The result must not start with 0 and must be a possible length: under country code 1 (the
NANP) 11 digits with an area code starting 2 to 9, otherwise 8 to 15 (E.164). Anything
else is refused with 131009.
Simulator deviation: Meta documents only that the sender's country code is prepended
when ``+`` is left out; rules 2-4 and the lengths are this simulator's reading (the
channel and code for an impossible number are UNCERTAIN: 131009 in the answer here).
"""

from __future__ import annotations

import functools
import re

from wasim.errors import INVALID_VALUE, GraphError

_FORMATTING = re.compile(r"[\s\-().]")
_TWO_DIGIT_CODES = frozenset({
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45",
    "46", "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61",
    "62", "63", "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94",
    "95", "98",
})
"""E.164 country codes of two digits; ``1`` and ``7`` have one, all others three."""


def country_code(digits: str) -> str:
    """The E.164 country code an international number starts with."""
    if digits[:1] in ("1", "7"):
        return digits[:1]
    if digits[:2] in _TWO_DIGIT_CODES:
        return digits[:2]
    return digits[:3]


def _invalid(raw: str, why: str) -> GraphError:
    return INVALID_VALUE(f"Parameter to is not a valid WhatsApp phone number: {raw!r} ({why}).")


@functools.lru_cache(maxsize=4096)
def recipient_wa_id(raw: str, business_number: str) -> str:
    """The wa_id ``raw`` names when ``business_number`` (its display number) sends to it,
    or 131009."""
    business_number = re.sub(r"\D", "", business_number)
    text = raw.strip()
    international = text.startswith("+")
    digits = _FORMATTING.sub("", text[1:] if international else text)
    if not digits or not digits.isascii() or not digits.isdigit():
        raise _invalid(raw, "only digits, with +, spaces, -, . and () to format them")
    if not international:
        code = country_code(business_number)
        if digits.startswith("00"):
            digits = digits[2:]
        elif digits.startswith("0"):
            digits = code + digits[1:]
        elif len(digits) <= len(business_number) - len(code):
            digits = code + digits
    if digits.startswith("0"):
        raise _invalid(raw, "a country code never starts with 0")
    if country_code(digits) == "1" and (len(digits) != 11 or digits[1] in "01"):
        raise _invalid(raw, "a +1 number has 10 digits after the country code, the first "
                       "of them 2 to 9")
    if not 8 <= len(digits) <= 15:
        raise _invalid(raw, "an international number has 8 to 15 digits")
    return digits
