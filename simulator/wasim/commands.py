"""``wasim world [FILE]`` and ``wasim wait URL``: the small helper commands.

``world`` prints a world file (or the embedded default) on one page: credentials, numbers,
customers and templates with their parameters. ``wait`` is for CI scripts: it returns once
a started ``wasim serve`` answers, so the next step does not race the server.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from wasim.world.describe import describe
from wasim.world.seed import load_world

WAIT_DEFAULT_URL = "http://127.0.0.1:8787/_sim/health"


def add_commands(commands: Any) -> None:
    """Add ``world`` and ``wait`` to the ``wasim`` sub-command parser."""
    world = commands.add_parser("world", help="print a world (default: the embedded one)")
    world.add_argument("file", nargs="?", metavar="FILE", help="a world YAML file")
    world.set_defaults(handler=world_command)
    wait = commands.add_parser("wait", help="wait until a wasim server answers (for CI)")
    wait.add_argument("url", nargs="?", default=WAIT_DEFAULT_URL, metavar="URL",
                      help=f"what to poll until it answers 200 (default {WAIT_DEFAULT_URL})")
    wait.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS",
                      help="give up after this many seconds (default 30)")
    wait.set_defaults(handler=wait_command)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("expected a number of seconds from 0 to 3600")
    return value


def world_command(args: argparse.Namespace) -> int:
    title = f"World {args.file}" if args.file else "The default world"
    sys.stdout.write(describe(load_world(args.file), title))
    return 0


def poll(url: str, timeout: float) -> str | None:
    """``None`` once ``url`` answers 200 within ``timeout`` seconds; else why not."""
    deadline = time.monotonic() + timeout
    reason = "no answer"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return None
                reason = f"HTTP {answer.status}"
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            cause = getattr(exc, "reason", exc)
            reason = str(getattr(cause, "strerror", None) or cause)
        if time.monotonic() >= deadline:
            return reason
        time.sleep(0.1)


def wait_command(args: argparse.Namespace) -> int:
    if not args.url.startswith(("http://", "https://")):
        print(f"wasim wait: {args.url!r} is not an http:// or https:// URL", file=sys.stderr)
        return 2
    reason = poll(args.url, args.timeout)
    if reason is not None:
        print(f"wasim wait: {args.url} did not answer 200 within {args.timeout:g} s "
              f"(last: {reason})", file=sys.stderr)
        return 1
    print(f"wasim wait: {args.url} is up")
    return 0
