"""``wasim run PATH...`` and ``wasim check FILE...``.

Exit codes: 0 every scenario passed (or every file is valid), 1 a scenario failed,
2 unusable input (a malformed file, a missing path, nothing to run).
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import time
from pathlib import Path
from typing import Any

from wasim.scenario import junit
from wasim.scenario.loader import Worlds, load_path
from wasim.scenario.model import Scenario, ScenarioResult
from wasim.scenario.report import Reporter
from wasim.scenario.runner import RunOptions, needs_app, run_scenario
from wasim.scenario.wiring import refused
from wasim.world.source import SourceError

DEFAULT_PATTERN = "*.wasim.yaml"
DEFAULT_APP_PORT = 8787


def add_commands(commands: Any) -> None:
    """Add ``run`` and ``check`` to the ``wasim`` sub-command parser."""
    run = commands.add_parser("run", help="run scenario files or folders")
    run.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    run.add_argument("--app", metavar="URL",
                     help="webhook URL of an app under test (the simulator is then served "
                          "on 127.0.0.1, see --port)")
    run.add_argument("--port", type=int, default=DEFAULT_APP_PORT,
                     help=f"loopback port served with --app (default {DEFAULT_APP_PORT})")
    run.add_argument("--junit", metavar="FILE", help="write JUnit XML to FILE")
    run.add_argument("--seed", help="repeatable ids (overrides each scenario's seed)")
    run.add_argument("--pattern", default=DEFAULT_PATTERN,
                     help=f"file pattern inside folders (default {DEFAULT_PATTERN})")
    run.add_argument("-q", "--quiet", action="store_true",
                     help="show steps of failing scenarios only")
    run.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                     help="colour the report (default: on a terminal)")
    run.set_defaults(handler=run_command)
    check = commands.add_parser("check", help="validate scenario files without running them")
    check.add_argument("paths", nargs="+", metavar="FILE", help="scenario files or folders")
    check.add_argument("--pattern", default=DEFAULT_PATTERN,
                       help=f"file pattern inside folders (default {DEFAULT_PATTERN})")
    check.set_defaults(handler=check_command)


def discover(paths: list[str], pattern: str = DEFAULT_PATTERN) -> tuple[list[Path], list[str]]:
    """Files named by ``paths`` (folders searched recursively); and paths that are missing."""
    files: list[Path] = []
    missing: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*")
                                if p.is_file() and fnmatch.fnmatch(p.name, pattern)))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(f"{name}: no such file or folder")
    return files, missing


def load_all(files: list[Path]) -> tuple[list[Scenario], list[str]]:
    scenarios: list[Scenario] = []
    problems: list[str] = []
    worlds = Worlds()
    for file in files:
        try:
            scenarios.extend(load_path(file, worlds))
        except SourceError as exc:
            problems.append(str(exc))
        except Exception as exc:  # one unreadable file never hides the others
            problems.append(f"{file}:1:1: wasim could not read this file "
                            f"({type(exc).__name__}: {exc}); please report it")
    return scenarios, problems


def check_command(args: argparse.Namespace) -> int:
    files, problems = discover(args.paths, args.pattern)
    scenarios, invalid = load_all(files)
    problems += invalid
    for problem in problems:
        print(problem, file=sys.stderr)
    if not files and not problems:
        print(f"wasim: no scenario files in {' '.join(args.paths)} (pattern {args.pattern})",
              file=sys.stderr)
        return 2
    if problems:
        return 2
    steps = sum(len(s.steps) for s in scenarios)
    print(f"{len(files)} file(s) ok: {len(scenarios)} scenario(s), {steps} step(s)")
    return 0


def run_command(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    colour = {"always": True, "never": False}.get(args.color)
    reporter = Reporter(sys.stdout, colour=colour, verbose=not args.quiet)
    files, problems = discover(args.paths, args.pattern)
    scenarios, invalid = load_all(files)
    problems += invalid
    for problem in problems:
        reporter.problem(problem)
    if not files and not problems:
        print(f"wasim: no scenario files in {' '.join(args.paths)} (pattern {args.pattern})",
              file=sys.stderr)
        return 2
    options = RunOptions(app_url=args.app, port=args.port, seed=args.seed)
    if args.app is not None and any(needs_app(s) for s in scenarios):
        trouble = refused(args.app)
        if trouble is not None:
            reporter.problem(f"wasim: {trouble}; scenarios that expect its sends will fail")
    results: list[ScenarioResult] = []
    for done, scenario in enumerate(scenarios):
        reporter.progress(done, len(scenarios), scenario.name)
        try:
            result = run_scenario(scenario, options)
        except OSError as exc:
            reporter.problem(f"wasim: cannot serve on 127.0.0.1:{args.port} for --app: "
                             f"{exc.strerror or exc}")
            return 2
        results.append(result)
        reporter.scenario(result)
    reporter.summary(results, len(problems), time.perf_counter() - started)
    if args.junit:
        junit.write(results, problems, args.junit)
    if problems:
        return 2
    return 0 if all(r.ok for r in results) else 1
