"""A small HTTP/1.1 client on asyncio streams: keep-alive POSTs to one URL.

The server's delivery engine runs on the server's own event loop, so every microsecond a
POST costs is taken from the requests being served. httpx's async client costs several
times what this does per request; a webhook POST needs only a request line, fixed
headers, a body, and an answer's status line, headers and body (``Content-Length``,
chunked, or up to the close).
"""

from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit

_STALE = (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError)


class AsyncPoster:
    """POSTs to one URL over one kept-alive connection (one per delivery lane).

    A POST on a kept-alive connection the receiver has since closed is made once more on a
    new one. Errors are ``OSError`` (refused, reset, timeout) or ``ValueError`` (an answer
    that is not HTTP/1.x).
    """

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.url = url
        self._tls = ssl.create_default_context() if parts.scheme == "https" else None
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if self._tls else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        netloc = parts.netloc.rsplit("@", 1)[-1]
        self._head = f"POST {path} HTTP/1.1\r\nHost: {netloc}\r\n".encode("latin-1")
        self._timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._used = False
        self._single = False

    async def post(self, body: bytes, headers: dict[str, str]) -> int:
        """The receiver's status code."""
        try:
            return await asyncio.wait_for(self._post(body, headers), self._timeout)
        except TimeoutError:
            self.close()
            raise TimeoutError(f"no answer within {self._timeout:g} s") from None

    async def post_many(self, requests: list[tuple[bytes, dict[str, str]]]
                        ) -> list[int | BaseException]:
        """POST several bodies pipelined on the connection (RFC 9112, section 9.3.2: written back
        to back, answered in order): the status of each, or its error. The receiver still
        takes them one after another. A receiver that closes the connection after an
        answer (HTTP/1.0, ``Connection: close``) has not read the rest: they are sent
        again, and from then on one at a time."""
        answers: list[int | BaseException] = []
        while len(answers) < len(requests):
            rest = requests[len(answers):]
            if len(rest) == 1 or self._single:
                try:
                    answers.append(await self.post(*rest[0]))
                except (OSError, ValueError) as exc:
                    answers.append(exc)
                continue
            try:
                got = await asyncio.wait_for(self._pipelined(rest), self._timeout)
            except TimeoutError:
                self.close()
                got = [TimeoutError(f"no answer within {self._timeout:g} s")] * len(rest)
            if len(got) < len(rest):
                self._single = True
            answers += got
        return answers

    async def _pipelined(self, requests: list[tuple[bytes, dict[str, str]]]
                         ) -> list[int | BaseException]:
        """The answers to ``requests`` written at once; fewer when the receiver closed
        after one (the rest were not read); an error for each left after a failure."""
        answers: list[int | BaseException] = []
        try:
            if self._writer is None:
                self._reader, self._writer = await asyncio.open_connection(
                    self._host, self._port, ssl=self._tls)
            assert self._reader is not None
            self._writer.write(b"".join(self._request(b, h) for b, h in requests))
            for _ in requests:
                status, close = await _answer(self._reader)
                answers.append(status)
                if close:
                    self.close()
                    return answers
        except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
            self.close()
            error = exc if isinstance(exc, OSError | ValueError) else ConnectionResetError(
                f"connection closed by the receiver: {exc!r}")
            return answers + [error] * (len(requests) - len(answers))
        return answers

    def _request(self, body: bytes, headers: dict[str, str]) -> bytes:
        lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        return self._head + lines.encode("latin-1") + b"\r\n" + body

    async def _post(self, body: bytes, headers: dict[str, str]) -> int:
        request = self._request(body, headers)
        for again in (False, True):
            if self._writer is None:
                self._reader, self._writer = await asyncio.open_connection(
                    self._host, self._port, ssl=self._tls)
                self._used = False
            assert self._reader is not None
            try:
                self._writer.write(request)
                status, close = await _answer(self._reader)
            except _STALE as exc:
                stale = self._used and not again
                self.close()
                if stale:
                    continue
                raise ConnectionResetError(f"connection closed by the receiver: {exc!r}"
                                           ) from None
            except BaseException:
                self.close()
                raise
            self._used = True
            if close:
                self.close()
            return status
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one answer: its status and whether the connection closes after it."""
    line = await reader.readuntil(b"\r\n")
    parts = line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise ValueError(f"not an HTTP/1.x answer: {line[:80]!r}")
    status = int(parts[1])
    close = parts[0] == b"HTTP/1.0"
    length: int | None = None
    chunked = False
    while (header := await reader.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = header.partition(b":")
        name = name.strip().lower()
        value = value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            close = value == b"close" or (close and value != b"keep-alive")
    if chunked:
        while (size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)):
            await reader.readexactly(size + 2)
        while await reader.readuntil(b"\r\n") != b"\r\n":
            pass
    elif length is not None:
        await reader.readexactly(length)
    elif status >= 200 and status not in (204, 304):
        await reader.read()
        close = True
    return status, close
