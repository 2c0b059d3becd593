"""``wasim``: the command line.

``wasim serve`` starts the fake Graph API on 127.0.0.1 with the embedded default world
(or ``--fixtures FILE``) and prints what a client needs to connect.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import yaml

from wasim import __version__
from wasim.config import Options
from wasim.errors import GraphError
from wasim.simulation import Simulator
from wasim.world.source import SourceError

if TYPE_CHECKING:
    from wasim.serve.store import Store

DEFAULT_PORT = 8787
SHUTDOWN_GRACE = 3.0
"""Seconds ``wasim serve`` gives pending webhook deliveries when it is stopped."""
API_VERSION = "v23.0"


def _setting(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), yaml.safe_load(raw) if raw else ""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``wasim: ...``, exit 2), sub-commands included."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"wasim: {message}\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port takes a number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"--port takes 0 to 65535, got {port}")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wasim", description="A local WhatsApp Business Platform (Cloud API) simulator.")
    parser.add_argument("--version", action="version", version=f"wasim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve the fake Graph API over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT,
                       help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    serve.add_argument("--fixtures", metavar="FILE", help="world YAML file to load")
    serve.add_argument("--seed", help="make generated ids repeatable")
    serve.add_argument("--webhook-url", metavar="URL", help="where webhooks are POSTed")
    serve.add_argument("--app-secret", help="key of X-Hub-Signature-256")
    serve.add_argument("--verify-token", help="hub.verify_token of the webhook handshake")
    serve.add_argument("--proxy-headers", action="store_true",
                       help="trust X-Forwarded-Proto/For from a proxy on 127.0.0.1 (media "
                            "URLs then use its scheme)")
    serve.add_argument("--data", metavar="DIR",
                       help="keep the whole state in DIR/wasim.sqlite3 and continue from it "
                            "on the next start (default: in memory only)")
    serve.add_argument("-q", "--quiet", action="store_true",
                       help="no request log (one line per request on stderr otherwise)")
    serve.add_argument("--control-token", metavar="TOKEN",
                       help="control calls (/_sim/) then need 'Authorization: Bearer TOKEN'; "
                            "required with a --host that is not loopback")
    serve.add_argument("--allow-host", metavar="NAME", action="append", default=[],
                       help="a Host name to answer besides loopback names and the bound "
                            "address (repeatable)")
    serve.add_argument("--allow-origin", metavar="ORIGIN", action="append", default=[],
                       help="a browser origin (http://host:port) allowed to call wasim "
                            "besides its own (repeatable)")
    serve.add_argument("--set", metavar="KEY=VALUE", type=_setting, action="append",
                       default=[], help="a world setting, e.g. window_violation_mode=sync")
    from wasim import commands as helper_commands
    from wasim.scenario.commands import add_commands

    add_commands(commands)
    helper_commands.add_commands(commands)
    return parser


def build_simulator(args: argparse.Namespace, store: Store | None = None) -> Simulator:
    """The simulator ``wasim serve`` serves: the configured world, or the state kept in
    ``store`` (the command line's webhook URL and settings still win)."""
    options = Options(world=args.fixtures, seed=args.seed, webhook_url=args.webhook_url,
                      app_secret=args.app_secret, verify_token=args.verify_token,
                      settings=dict(args.set))
    sim = Simulator(options)
    if store is not None and store.restore(sim._core):
        if args.set:
            sim.update_settings(dict(args.set))
        print(f"wasim: continuing from {store.path} ({len(sim.world.messages)} messages, "
              f"clock {sim.now().isoformat()})", file=sys.stderr)
    sim.attach(args.webhook_url)
    return sim


def banner(sim: Simulator, url: str, out: TextIO) -> None:
    """What a client needs to connect, ready to paste."""
    world = sim.world
    phone = world.first_phone()
    token = next(iter(world.tokens))
    from wasim.delivery.engine import engine_of

    engine = engine_of(sim)
    handshake = ""
    if engine is not None and engine.verification is not None:
        check = engine.verification
        handshake = " (handshake passed)" if check.ok else (
            f" (handshake FAILED: {check.error}; deliveries are attempted anyway)")
    lines = [
        f"wasim {__version__}: WhatsApp Cloud API simulator listening on {url}",
        f"  base URL      {url}/{API_VERSION}",
        f"  access token  {token}",
        f"  WABA id       {world.first_account().waba_id}",
        f"  phone number  {phone.id} (display {phone.display_phone_number}, "
        f"{phone.verified_name})",
        f"  app secret    {world.app_secret}",
        f"  verify token  {world.verify_token}",
        f"  webhooks      {world.webhook_url or 'not sent (use --webhook-url)'}{handshake}",
        f"  control API   {url}/_sim/health",
        f"  inbox         {url}/  (open in a browser: conversations, templates, webhooks)",
        f"  try: curl -s -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json'"
        f" -d '{{\"messaging_product\":\"whatsapp\",\"to\":\"16505551234\",\"type\":\"template\","
        f"\"template\":{{\"name\":\"hello_world\",\"language\":{{\"code\":\"en_US\"}}}}}}' "
        f"{url}/{API_VERSION}/{phone.id}/messages",
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), file=out, flush=True)


def exposed_warning(host: str) -> str:
    """The banner of a server reachable from other machines."""
    return (f"WARNING: wasim listens on {host}, not only on this machine. Control calls "
            "(/_sim/) need the control token; the Graph API answers anyone holding the "
            "world's access tokens (printed above), and the traffic is plain HTTP. "
            "Bind 127.0.0.1 unless you mean it.")


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from wasim.api.errorlog import log_to_stderr
    from wasim.api.guard import Guard, Policy, is_loopback
    from wasim.serve.gcpolicy import StateFreezer
    from wasim.serve.server import bind, ticking_app, uvicorn_config

    exposed = not is_loopback(args.host)
    if exposed and not args.control_token:
        print(f"wasim: --host {args.host} is not a loopback interface: anyone who reaches it "
              "could drive the control API; give --control-token TOKEN as well",
              file=sys.stderr)
        return 2
    import sqlite3

    from wasim.serve.store import Store

    try:
        store = Store(args.data) if args.data else None
    except (OSError, sqlite3.Error) as exc:
        print(f"wasim: cannot use --data {args.data}: {exc}", file=sys.stderr)
        return 1
    sim = build_simulator(args, store)
    log_to_stderr()
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        print(f"wasim: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    host = f"[{args.host}]" if ":" in args.host else args.host
    policy = Policy.serving(args.host, allow_hosts=args.allow_host,
                            allow_origins=args.allow_origin, control_token=args.control_token)
    ticking = ticking_app(sim, StateFreezer(), store=store, grace=SHUTDOWN_GRACE,
                          report=lambda line: print(line, file=sys.stderr, flush=True))
    app: Any = Guard(ticking, sim, policy)
    if not args.quiet:
        from wasim.serve.requestlog import RequestLog

        app = RequestLog(app)
    server = uvicorn.Server(uvicorn_config(app, proxy_headers=args.proxy_headers))

    def stop(signum: int, frame: FrameType | None) -> None:
        # Ctrl-C or SIGTERM before uvicorn takes over the signals, or re-raised by
        # uvicorn after its graceful shutdown: either way a clean stop with exit 0
        server.should_exit = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        banner(sim, f"http://{host}:{sock.getsockname()[1]}", sys.stdout)
        if exposed:
            print(exposed_warning(args.host), file=sys.stderr, flush=True)
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
        from wasim.delivery.engine import engine_of

        engine = engine_of(sim)
        if engine is not None:
            engine.close()
    print("wasim: stopped", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``wasim`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "serve":
            return serve(args)
        if hasattr(args, "handler"):
            return int(args.handler(args))
    except SourceError as exc:
        print(f"wasim: {exc}", file=sys.stderr)
        return 2
    except GraphError as exc:
        print(f"wasim: {exc.details or exc.message}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command!r}")
    return 2
