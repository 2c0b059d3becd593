"""The CI recipes in ``examples/ci/`` work: their shell steps, run as written (all but the
install step, since wasim is installed here already), start ``wasim serve``, wait for it,
and run a user's test suite against it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import string
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

RECIPES = ROOT / "examples" / "ci"

USER_TEST = '''
    """A user's own test, configured by environment variables as the recipe sets them."""
    import json
    import os
    import urllib.request


    def call(url, body, headers=()):
        sent = {"Content-Type": "application/json", **dict(headers)}
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                         headers=sent)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())


    def test_a_reply_inside_the_window_is_accepted():
        control, graph = os.environ["WASIM_CONTROL_URL"], os.environ["WHATSAPP_GRAPH_URL"]
        call(f"{control}/inbound", {"from": "16505551234", "text": "hi"})
        status, body = call(
            f"{graph}/{os.environ['WHATSAPP_PHONE_NUMBER_ID']}/messages",
            {"messaging_product": "whatsapp", "to": "16505551234", "type": "text",
             "text": {"body": "hello"}},
            [("Authorization", "Bearer " + os.environ["WHATSAPP_TOKEN"])])
        assert status == 200 and body["messages"][0]["id"].startswith("wamid.")
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def github_steps(recipe: dict[str, Any], port: str) -> tuple[dict[str, str], list[str]]:
    [job] = recipe["jobs"].values()
    env = {key: str(value) for key, value in job.get("env", {}).items()}
    env["WASIM_PORT"] = port
    scripts = []
    for step in job["steps"]:
        if "uses" in step or step.get("name") == "Install wasim":
            continue
        step_env = {key: re.sub(r"\$\{\{ env\.(\w+) \}\}", lambda m: env[m.group(1)], str(v))
                    for key, v in step.get("env", {}).items()}
        exports = "".join(f"export {key}='{value}'\n" for key, value in step_env.items())
        scripts.append(exports + step["run"])
    return env, scripts


def gitlab_steps(recipe: dict[str, Any], port: str) -> tuple[dict[str, str], list[str]]:
    job = recipe["test"]
    env = {"WASIM_PORT": port}
    for key, value in job.get("variables", {}).items():
        if key != "WASIM_PORT":
            env[key] = string.Template(str(value)).substitute(env)
    return env, ["\n".join(job["script"]), "\n".join(job.get("after_script", []))]


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_recipe_runs_a_test_suite_against_wasim_serve(name: str, tmp_path: Path) -> None:
    recipe = yaml.safe_load((RECIPES / name).read_text(encoding="utf-8"))
    port = str(free_port())
    env, scripts = (github_steps if name.startswith("github") else gitlab_steps)(recipe, port)
    (tmp_path / "test_user.py").write_text(textwrap.dedent(USER_TEST), encoding="utf-8")
    bin_dir = str(Path(sys.executable).parent)
    script = "set -e\n" + "\n".join(scripts)
    process = subprocess.Popen(
        ["bash", "-c", script], cwd=tmp_path, start_new_session=True, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, **env, "PATH": bin_dir + os.pathsep + os.environ["PATH"]})
    try:
        output, _ = process.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the background wasim serve
    assert process.returncode == 0, output
    assert "1 passed" in output
    assert "is up" in output  # wasim wait saw the server
    log = (tmp_path / "wasim.log").read_text(encoding="utf-8")
    assert f"/v23.0/{env.get('WHATSAPP_PHONE_NUMBER_ID', '106540352242922')}/messages 200" in log
