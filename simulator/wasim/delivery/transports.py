"""How a webhook reaches its target: a URL, an ASGI app in the same process, or a callable.

:class:`Transport` hides the kind of target from the engine: ``post(body, headers)``
answers the receiver's status or the error, ``verify(token)`` runs the GET handshake
(§5.3). URL targets are POSTed over kept-alive ``http.client`` connections, one per
worker thread (:class:`UrlPoster`).
"""

from __future__ import annotations

import asyncio
import http.client
import inspect
import secrets
import threading
import traceback
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

import httpx

from wasim.asgi import async_client, sync_client
from wasim.delivery.asyncpost import AsyncPoster
from wasim.delivery.records import Delivery, Verification

Target = Any
"""A URL string, an ASGI app, or ``callable(headers, body) -> status | None``."""



TRACEBACK_CHARS = 4000


def raised(exc: BaseException) -> str:
    """An in-process receiver's exception as an attempt's error: its message, then its
    traceback (the last ``TRACEBACK_CHARS`` characters), so a failing app under test shows
    where it failed in the teardown report and the delivery log."""
    trace = "".join(traceback.format_exception(exc)).rstrip()
    if len(trace) > TRACEBACK_CHARS:
        trace = "..." + trace[-TRACEBACK_CHARS:]
    return f"receiver raised {type(exc).__name__}: {exc}\n{trace}"


class UrlPoster:
    """POSTs to one URL over a kept-alive ``http.client`` connection (the worker's own).

    About half the CPU of an httpx request per POST, which matters because delivery runs
    in the same process as the simulator's HTTP server. A POST on a kept-alive connection
    the receiver has since closed is retried once on a new one.
    """

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._timeout = timeout
        self._conn: http.client.HTTPConnection | None = None
        self._used = False

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        """The receiver's HTTP status (raises ``OSError`` / ``HTTPException`` on failure)."""
        for retry in (False, True):
            if self._conn is None:
                kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
                self._conn = kind(self._host, self._port, timeout=self._timeout)
                self._used = False
            try:
                self._conn.request("POST", self._path, body=body, headers=headers)
                response = self._conn.getresponse()
                response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError) as exc:
                stale = self._used and not retry
                self.close()
                if stale:
                    continue
                raise exc
            except (OSError, http.client.HTTPException):
                self.close()
                raise
            self._used = True
            if response.will_close:
                self.close()
            return response.status
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def is_asgi(target: Any) -> bool:
    call = getattr(target, "__call__", None)  # noqa: B004 - classes with async __call__
    return inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(call)


def check_target(target: Target) -> str | None:
    """What is wrong with ``target`` as a webhook target, or ``None``."""
    if target is not None and not (isinstance(target, str) or callable(target)):
        return "a webhook target is a URL, an ASGI app or a callable"
    if isinstance(target, str) and not target.startswith(("http://", "https://")):
        return f"webhook url must start with http:// or https://: {target!r}"
    return None


class Transport:
    """One target and the connections to it.

    Args:
        target: A URL, an ASGI app (POSTed at ``path``) or a callable
            ``(headers, body) -> status | None`` (``None`` counts as 200).
        path: Where an ASGI app receives webhooks.
        timeout: Seconds to wait for the receiver on each request.
    """

    def __init__(self, target: Target, path: str, timeout: float) -> None:
        self.target = target
        self.path = path
        self.timeout = timeout
        self._asgi = sync_client(target) if is_asgi(target) else None
        self._local = threading.local()
        self._posters: list[UrlPoster] = []
        self._lanes: dict[int, AsyncPoster] = {}
        self._async_asgi: httpx.AsyncClient | None = None
        self._lock = threading.Lock()

    @property
    def shown(self) -> str | None:
        """The target as the delivery log names it."""
        target = self.target
        if isinstance(target, str) or target is None:
            return target
        return f"asgi:{self.path}" if self._asgi is not None else "callable"

    def verify(self, verify_token: str) -> Verification:
        """Run the GET handshake against the target and return its outcome (§5.3).

        The challenge is a 10-digit number like Meta's (``hub.challenge=1158201444``), so a
        receiver that reads it with ``int(...)`` and answers that number passes."""
        challenge = str(1_000_000_000 + secrets.randbelow(9_000_000_000))
        query = urlencode({"hub.mode": "subscribe", "hub.challenge": challenge,
                           "hub.verify_token": verify_token})
        target = self.target
        if target is None or not (isinstance(target, str) or self._asgi is not None):
            return Verification(True, None, challenge, None, skipped=True)
        try:
            if isinstance(target, str):
                sep = "&" if "?" in target else "?"
                with httpx.Client(timeout=self.timeout) as client:
                    response = client.get(f"{target}{sep}{query}")
            else:
                assert self._asgi is not None
                response = self._asgi.get(f"{self.path}?{query}")
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            # no answer, so no body to repeat: the transport's reason (refused, timed out)
            return Verification(False, None, challenge, f"{type(exc).__name__}: {exc}"[:200])
        ok = response.status_code == 200 and response.text == challenge
        # a status and a fixed reason, never the answer's body: the handshake may be pointed
        # at any URL, and echoing what it said would read it for the caller (SSRF)
        error = None if ok else (
            f"answered {response.status_code}; expected 200 with the hub.challenge"
            if response.status_code != 200 else
            "answered 200 without the hub.challenge as its whole body")
        return Verification(ok, response.status_code, challenge, error)

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
        """POST one webhook body: the receiver's status, or ``None`` and the error."""
        target = self.target
        try:
            if isinstance(target, str):
                return self._poster(target).post(body, headers), None
            if self._asgi is not None:
                response = self._asgi.post(self.path, content=body, headers=headers)
                return response.status_code, None
            answer = target(dict(headers), body)
            return (200 if answer is None else int(answer)), None
        except (httpx.HTTPError, OSError, http.client.HTTPException) as exc:
            return None, f"{type(exc).__name__}: {exc}"
        except Exception as exc:
            return None, raised(exc)

    async def apost(self, requests: list[tuple[bytes, dict[str, str]]],
                    lane: int) -> list[tuple[int | None, str | None]]:
        """``post`` on an event loop, for several bodies in order: a URL pipelined over the
        lane's own kept-alive connection, an ASGI app awaited on the same loop, a
        callable in a worker thread."""
        target = self.target
        if isinstance(target, str):
            poster = self._lanes.get(lane)
            if poster is None:
                poster = self._lanes[lane] = AsyncPoster(target, self.timeout)
            return [(None, f"{type(a).__name__}: {a}") if isinstance(a, BaseException)
                    else (a, None) for a in await poster.post_many(requests)]
        return [await self._apost_one(body, headers) for body, headers in requests]

    async def _apost_one(self, body: bytes,
                         headers: dict[str, str]) -> tuple[int | None, str | None]:
        try:
            if self._asgi is not None:
                if self._async_asgi is None:
                    self._async_asgi = async_client(self.target, timeout=self.timeout)
                response = await self._async_asgi.post(self.path, content=body,
                                                       headers=headers)
                return response.status_code, None
            return await asyncio.to_thread(self.post, body, headers)
        except (httpx.HTTPError, OSError, ValueError) as exc:
            return None, f"{type(exc).__name__}: {exc}"
        except Exception as exc:
            return None, raised(exc)

    def _poster(self, url: str) -> UrlPoster:
        poster: UrlPoster | None = getattr(self._local, "poster", None)
        if poster is None:
            poster = UrlPoster(url, self.timeout)
            self._local.poster = poster
            with self._lock:
                self._posters.append(poster)
        return poster

    def close(self) -> None:
        with self._lock:
            for poster in self._posters:
                poster.close()
            self._posters.clear()
            for lane in self._lanes.values():
                lane.close()
            self._lanes.clear()


class Batch(NamedTuple):
    """One POST being made: where, the exact bytes, their headers, the deliveries in it
    with the simulated time each attempt is recorded at."""

    transport: Transport
    body: bytes
    headers: dict[str, str]
    items: list[tuple[Delivery, datetime]]


def send_now(batch: Batch) -> tuple[int | None, str | None]:
    return batch.transport.post(batch.body, batch.headers)


async def send_on_loop(batches: list[Batch],
                       lane: int) -> list[tuple[int | None, str | None]]:
    """POST several prepared batches of one lane, in order (one transport: the target is
    read when each is prepared, and a new target gets new lanes)."""
    transport = batches[0].transport
    if any(b.transport is not transport for b in batches):
        return [o for b in batches for o in await b.transport.apost([(b.body, b.headers)],
                                                                     lane)]
    return await transport.apost([(b.body, b.headers) for b in batches], lane)
