"""The README cannot drift from the code.

* The "Supported endpoints" table lists exactly the Graph routes the app serves, and each
  listed endpoint answers (never the 2500 unknown-path error).
* The "Error codes emitted" table lists every code the package can raise, with the HTTP
  status of the catalogue in simulator/wasim/errors.py.
* Every control route the README names exists.
* Every ``wasim`` command line in the README parses, its ``--set`` keys are settings, and
  the flags the README lists are the flags ``wasim serve`` has.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import shlex
from collections.abc import Iterator

import httpx
import pytest
from starlette.routing import Route
from wasim import Simulator, errors
from wasim.api import create_app, graph_routes, objects
from wasim.asgi import sync_client
from wasim.cli import banner, build_parser
from wasim.world.seed import load_world
from wasim.world.state import WorldSettings

from tests.conftest import PHONE_ID, ROOT, WABA_ID
from tests.docs_text import DOCS as README
from tests.docs_text import section
from tests.test_readme_walkthroughs import curl_steps

PACKAGE = ROOT / "simulator" / "wasim"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SAMPLE_IDS = {"version": "v23.0", "phone-number-id": PHONE_ID, "waba-id": WABA_ID,
              "template-id": next(iter(load_world().first_account().templates))}
"""Ids of the default world to call each documented endpoint with (others are only
compared with the route table)."""



def table_rows(text: str) -> list[list[str]]:
    """The cells of the first Markdown table in ``text`` (header and rule dropped)."""
    rows: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    assert len(rows) > 2, "no table found"
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def generic(path: str) -> str:
    """``/{version}/{waba-id}/x`` and ``/{version}/{object_id}/x`` → ``/{}/{}/x``."""
    return re.sub(r"\{[^}]+\}", "{}", path)


# --- supported endpoints -------------------------------------------------------------


def documented_endpoints() -> list[tuple[str, str]]:
    rows = table_rows(section("Supported endpoints"))
    return [(method, path.strip("`")) for method, path, *_ in rows]


def served_endpoints() -> set[tuple[str, str]]:
    """(method, generic path) of every Graph route; the object route counts a method only
    when some feature registered a handler for it."""
    found: set[tuple[str, str]] = set()
    for route in graph_routes():
        assert isinstance(route, Route)
        methods = set(route.methods or ()) - {"HEAD"}
        if route.path == "/{version}/{object_id}":
            methods = {m for m in methods if objects.OBJECT_HANDLERS.get(m)}
        found |= {(method, generic(route.path)) for method in methods}
    return found


def test_the_endpoint_table_lists_exactly_the_served_graph_routes() -> None:
    documented = {(method, generic(path)) for method, path in documented_endpoints()}
    served = served_endpoints()
    assert sorted(served - documented) == [], "served but missing from the README table"
    assert sorted(documented - served) == [], "in the README table but not served"


def _callable(path: str, ids: dict[str, str]) -> str:
    names = re.findall(r"\{([^}]+)\}", path)
    missing = [name for name in names if name not in ids]
    assert not missing, f"no sample id for {missing} in {path}: add one to SAMPLE_IDS"
    return re.sub(r"\{([^}]+)\}", lambda m: ids[m.group(1)], path)


@pytest.mark.parametrize(("method", "path"), documented_endpoints(),
                         ids=[f"{m} {p}" for m, p in documented_endpoints()])
def test_each_documented_endpoint_is_answered_by_its_handler(
    client: httpx.Client, sim: Simulator, method: str, path: str
) -> None:
    media_id = sim.media.upload(b"\xff\xd8\xff a jpeg", "image/jpeg")
    url = _callable(path, {**SAMPLE_IDS, "media-id": media_id})
    response = client.request(method, url, json={} if method in ("POST", "PUT") else None)
    error = response.json().get("error", {}) if response.status_code != 200 else {}
    assert error.get("code") != 2500, response.text
    assert (error.get("code"), error.get("error_subcode")) != (100, 33), response.text


def test_every_control_route_the_readme_names_exists() -> None:
    control = [(route.path_regex, route.methods or set())
               for route in create_app(Simulator()).routes
               if isinstance(route, Route) and route.path.startswith("/_sim/")]
    named = set(_named_control_routes())
    assert named, "the README names no control routes"
    missing = sorted(
        (method, path) for method, path in named
        if not any(regex.match(_sample(path)) and method in methods
                   for regex, methods in control))
    assert missing == []


def test_every_control_route_is_named_in_the_readme() -> None:
    named = set(_named_control_routes())
    undocumented = sorted(
        (method, route.path) for route in create_app(Simulator()).routes
        if isinstance(route, Route) and route.path.startswith("/_sim/")
        for method in (route.methods or set()) - {"HEAD"}
        if not any(method == named_method and route.path_regex.match(_sample(path))
                   for named_method, path in named))
    assert undocumented == [], "document these control routes in the README"


def _sample(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def _named_control_routes() -> Iterator[tuple[str, str]]:
    """Every ``METHOD[/METHOD] /_sim/...`` written in the README."""
    pattern = re.compile(r"\b((?:GET|POST|PUT|PATCH|DELETE)(?:/(?:GET|POST|PUT|PATCH|DELETE))*)"
                         r" (/_sim/[^\s`?]*)")
    for methods, path in pattern.findall(README):
        path = re.sub(r"\{wamid\}", "{message_id}", path.rstrip(".,)"))
        for method in methods.split("/"):
            yield method, path


# --- error codes -----------------------------------------------------------------------


def documented_errors() -> dict[int, set[str]]:
    """Code → the HTTP column of each of its rows (a code may have several rows)."""
    found: dict[int, set[str]] = {}
    for code, http, *_ in table_rows(section("Error codes emitted")):
        found.setdefault(int(code), set()).add(http)
    return found


def raised_codes() -> dict[int, str]:
    """Catalogue codes whose spec is used somewhere in the package outside errors.py."""
    specs = {name: value for name, value in vars(errors).items()
             if isinstance(value, errors.ErrorSpec)}
    sources = _package_sources()
    return {spec.code: name for name, spec in specs.items()
            if re.search(rf"\b{name}\b", sources)}


def _package_sources() -> str:
    return "\n".join(path.read_text(encoding="utf-8")
                     for path in PACKAGE.rglob("*.py") if path.name != "errors.py")


def test_every_error_code_the_package_raises_is_in_the_error_table() -> None:
    documented = documented_errors()
    missing = {code: name for code, name in raised_codes().items() if code not in documented}
    assert missing == {}, "add these codes to the README's error table"


CHANNEL = re.compile(r"^(sync|webhook)( at upload)?(, (sync|webhook) at send)?"
                     r"( \((sync|webhook) by setting( `\w+`)?\))?$")
VERSIONS = re.compile(r"^(all|v\d+\.\d+\+|before v\d+\.\d+)$")


def test_every_error_row_names_its_channel_and_versions() -> None:
    """Each row says sync or webhook (a row answered ``200 then webhook``, or carried by an
    inbound message, is a webhook row, and the reverse) and which Graph versions it
    applies to."""
    for code, http, channel, versions, *_ in table_rows(section("Error codes emitted")):
        assert CHANNEL.match(channel), f"{code}: channel {channel!r}"
        assert VERSIONS.match(versions), f"{code}: versions {versions!r}"
        later = "then webhook" in http or "inbound" in http
        assert later == channel.startswith("webhook") or "at send" in channel, (
            f"{code}: HTTP {http!r} and channel {channel!r} disagree")


def test_the_version_dependent_codes_are_documented_per_version() -> None:
    """A code the path's version changes (``wasim.rules.versions``) has a row from its
    first version and a row for the code answered before it."""
    from wasim.rules import versions

    rows = {(r[0], r[3]) for r in table_rows(section("Error codes emitted"))}
    for code, (since, older) in versions.VERSIONED_CODES.items():
        first = f"v{since[0]}.{since[1]}"
        assert (str(code), f"{first}+") in rows, f"{code} from {first}"
        assert (str(older), f"before {first}") in rows, f"{older} before {first}"


def test_every_documented_error_code_is_in_the_catalogue_with_its_http_status() -> None:
    sources = _package_sources()
    for code, statuses in documented_errors().items():
        spec = errors.CATALOGUE.get(code)
        assert spec is not None, f"README documents {code}, simulator/wasim/errors.py lacks it"
        numeric = {int(match.group(1)) for http in statuses  # "400", "400 (setting)" …
                   if (match := re.match(r"(\d{3})\b(?! then)", http))}
        for status in numeric - {spec.http_status}:  # an override where the package says so
            assert f"http_status={status}" in sources, f"HTTP {status} of {code}"


# --- command lines ---------------------------------------------------------------------


def readme_commands() -> list[list[str]]:
    """Every ``wasim ...`` command in the README's code and inline code."""
    commands = []
    for match in re.finditer(r"(?:^|&& |`|\$ )(wasim (?:serve|run|check)\b[^`\n&|>]*)",
                             README, re.M):
        command = match.group(1).split(" #", 1)[0]
        argv = shlex.split(command.strip().rstrip(").,"))
        if len(argv) > 2 or argv[1] == "serve":  # a bare `wasim run` names the command
            commands.append(argv)
    return commands


def test_the_readme_opens_with_the_install_and_serve_command() -> None:
    block = re.search(r"## Two commands.*?```bash\n(.*?)```", README, re.S)
    assert block, "README has no 'Two commands' bash block"
    commands = [line for line in block.group(1).splitlines()
                if line and not line.startswith("#")]
    assert commands[0].endswith("pip install -e . && wasim serve")
    assert "pip install -e '.[test]'" in commands[1]
    assert commands[1].endswith("python -m pytest -n auto --cov=wasim")
    # CI runs the README's test command, no more and no less (the gate is fail_under in
    # pyproject.toml, which --cov reads)
    test_command = commands[1].rsplit("&& ", 1)[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert [line for line in ci_lines if line.startswith("python -m pytest")] == [test_command]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r"^test = \[", pyproject, re.M)
    assert 'wasim = "wasim.cli:main"' in pyproject


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("wasim has no subcommands")


@pytest.mark.parametrize("argv", readme_commands(), ids=lambda argv: " ".join(argv))
def test_every_wasim_command_in_the_readme_parses(argv: list[str]) -> None:
    assert argv[1] in subcommands(), f"'wasim {argv[1]}' is not a wasim command"
    args = build_parser().parse_args(argv[1:])
    settings = WorldSettings().to_dict()
    for key, _ in getattr(args, "set", []):
        if key != "KEY":
            assert key in settings, f"--set {key}: not a setting"
    fixtures = getattr(args, "fixtures", None)
    if fixtures and fixtures != "FILE":
        assert (ROOT / fixtures).exists(), f"--fixtures {fixtures} does not exist"


def test_the_flags_the_readme_lists_are_the_flags_of_serve() -> None:
    text = section("Server mode: `wasim serve`")
    flags = re.search(r"Flags: (.*?)Ctrl-C", text, re.S)
    assert flags, "the server section has no 'Flags:' sentence"
    listed = set(re.findall(r"`(--[a-z-]+)", flags.group(1)))
    serve = subcommands()["serve"]
    actual = {option for action in serve._actions for option in action.option_strings
              if option.startswith("--") and option != "--help"}
    assert listed == actual


def test_the_settings_table_lists_every_setting() -> None:
    rows = table_rows(section("Settings"))
    documented = {name.strip("`") for name, *_ in rows}
    assert documented == set(WorldSettings().to_dict())


# --- the server banner and the world file format ----------------------------------------


def test_every_banner_in_the_docs_is_what_wasim_serve_prints() -> None:
    """A console block may end with an ``  ...`` line: what stands before it is the start
    of the banner; otherwise the block is the whole banner."""
    blocks = re.findall(r"```console\n\$ wasim serve\n(.*?)```", README, re.S)
    assert blocks, "the docs have no '$ wasim serve' console block"
    printed = io.StringIO()
    banner(Simulator(), "http://127.0.0.1:8787", printed)
    for block in blocks:
        shown, elided, _ = block.partition("  ...\n")
        if elided:
            assert printed.getvalue().startswith(shown)
        else:
            assert block == printed.getvalue()


SEED_LEVELS = {"parse_world": "top", "_token": "`tokens[]`", "_account": "`accounts[]`",
               "_phone": "`phone_numbers[]`", "_contact": "`contacts[]`",
               "_template": "`templates[]`"}


def accepted_world_keys() -> set[tuple[str, str]]:
    """(level, key) of every ``reader.only(...)`` call in simulator/wasim/world/seed.py."""
    tree = ast.parse((PACKAGE / "world" / "seed.py").read_text(encoding="utf-8"))
    found: set[tuple[str, str]] = set()
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef) or function.name not in SEED_LEVELS:
            continue
        for node in ast.walk(function):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "only"):
                found |= {(SEED_LEVELS[function.name], arg.value) for arg in node.args
                          if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    return found


def test_the_world_fields_table_lists_exactly_the_keys_a_world_file_takes() -> None:
    table = README.split("<!-- world fields:", 1)[1]
    documented = {(level, key.strip("`")) for level, key, *_ in table_rows(table)}
    accepted = accepted_world_keys()
    assert len(accepted) > 30
    assert sorted(accepted - documented) == [], "accepted by seed.py but not documented"
    assert sorted(documented - accepted) == [], "documented but refused by seed.py"


# --- the README's curl walkthrough, replayed ----------------------------------------------


def test_the_readme_window_walkthrough_ends_with_the_131047_failure() -> None:
    """The README's curl lines, replayed on the default world, do what its comments say."""
    steps = curl_steps("### Walkthrough: the 24-hour window with curl")
    assert [method for method, *_ in steps] == ["POST", "POST", "POST", "POST", "GET"]
    sim = Simulator(seed=1)
    answers = []
    with sync_client(create_app(sim)) as http:
        for method, path, headers, body in steps:
            response = http.request(method, path, headers=headers, content=body)
            assert response.status_code == 200, response.text
            answers.append(response.json())
    first, late = answers[1]["messages"][0]["id"], answers[3]["messages"][0]["id"]
    assert sim.message(first).status == "delivered"
    [failed] = answers[4]["data"]
    assert (failed["id"], failed["status"], failed["error"]["code"]) == (late, "failed", 131047)
