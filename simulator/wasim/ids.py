"""One seedable generator for every identifier the simulator mints.

With a seed, a run is byte-for-byte repeatable; without one, ids are random.
"""

from __future__ import annotations

import base64
import random


class IdGenerator:
    """Mints wamids, media and template ids, trace ids and BSUIDs.

    Args:
        seed: Makes the sequence repeatable.
    """

    def __init__(self, seed: int | str | None = None) -> None:
        self.reseed(seed)

    def reseed(self, seed: int | str | None) -> None:
        self.seed = seed
        self._random = random.Random(seed)
        # a stream of its own, so answering with a trace id moves no other id
        self._traces = random.Random(None if seed is None else f"{seed}/answers")

    def answer_trace_id(self) -> str:
        """The ``x-fb-trace-id`` of a success answer (§11): 23 URL-safe characters like
        :meth:`fbtrace_id`'s, from a separate stream so the other ids stay as they were."""
        raw = self._traces.getrandbits(144).to_bytes(18, "little")
        return base64.urlsafe_b64encode(raw).decode("ascii")[:23]

    def wamid(self) -> str:
        """A ``wamid.``-prefixed opaque id shaped like the platform's (§11)."""
        # randbytes(18), read straight from getrandbits: the same bytes, one call less
        raw = b"\x15\x02\x00\x11\x18" + self._random.getrandbits(144).to_bytes(18, "little")
        return "wamid.HBgL" + base64.b64encode(raw).decode("ascii").rstrip("=")

    def numeric(self, digits: int = 16) -> str:
        """A numeric Graph object id (templates, media, phone numbers)."""
        first = self._random.randint(1, 9)
        rest = "".join(str(self._random.randint(0, 9)) for _ in range(digits - 1))
        return f"{first}{rest}"

    def fbtrace_id(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return "".join(self._random.choice(alphabet) for _ in range(23))

    def token(self, n: int = 16) -> str:
        """``n`` random bytes as hex (``randbytes(n).hex()``, without its extra call)."""
        return self._random.getrandbits(n * 8).to_bytes(n, "little").hex()

    def token_number(self, n: int = 16) -> int:
        """:meth:`token` as the number it is written from (``token_hex(number, n)`` gives
        the same text, and the same draw): a record may keep the number, about half the
        memory of the text."""
        return self._random.getrandbits(n * 8)

    def bsuid(self, country: str = "US") -> str:
        """A business-scoped user id such as ``US.13491208655302741918`` (§11): the user's
        country (``wasim.rules.regions.region_of`` of the number), a dot, 20 digits."""
        return f"{country}.{self.numeric(20)}"


def token_hex(number: int, n: int = 16) -> str:
    """The text :meth:`IdGenerator.token` gives for the number of
    :meth:`IdGenerator.token_number`."""
    return number.to_bytes(n, "little").hex()
