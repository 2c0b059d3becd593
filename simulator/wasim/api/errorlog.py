"""Unexpected errors (code 1) are logged, so a user can report them.

A bug of wasim's still answers the Graph envelope (code 1, HTTP 500), never a traceback;
the traceback goes to the ``wasim`` logger instead, with the ``fbtrace_id`` of that
answer so the two can be matched. ``wasim serve`` sends the logger to stderr; in process
it reaches whatever logging the host program set up (pytest shows it with a failure).
"""

from __future__ import annotations

import logging

logger = logging.getLogger("wasim")


def log_unexpected(exc: BaseException, fbtrace_id: str, where: str) -> None:
    """Log ``exc`` with its traceback, the answer's ``fbtrace_id`` and ``where`` it
    happened (``METHOD /path``)."""
    logger.error("wasim: unexpected error (code 1) in %s, fbtrace_id %s: please report it "
                 "with this traceback", where, fbtrace_id,
                 exc_info=(type(exc), exc, exc.__traceback__))


def log_to_stderr() -> None:
    """Send the ``wasim`` logger's errors to stderr (``wasim serve``), once."""
    if not any(getattr(h, "_wasim", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._wasim = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
