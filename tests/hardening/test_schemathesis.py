"""schemathesis against Meta's OpenAPI description (vendored in tests/data/meta-openapi),
over real HTTP to a served simulator: every operation of the spec, a few generated cases
each (path ids pinned to the world's, so requests reach the rules rather than stopping at
an unknown id), and for each answer: below 500, and every 4xx a Graph error envelope.
Bounded for CI (``EXAMPLES`` per operation); ``tests/fuzz_long.py`` runs long."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from wasim import Simulator
from wasim.serve.server import ThreadedServer

from tests.conftest import PHONE_ID, TOKEN, WABA_ID

SPEC = Path(__file__).resolve().parent.parent / "data" / "meta-openapi" / \
    "business-messaging-api_v23.0.yaml"
EXAMPLES = 3
PINNED = {"Version": "v23.0", "Phone-Number-ID": PHONE_ID, "WABA-ID": WABA_ID,
          "WhatsApp-Business-Account-ID": WABA_ID}
"""Path parameters given the world's ids (others stay generated)."""

schema = schemathesis.openapi.from_path(str(SPEC))
schema.config.phases.coverage.enabled = False  # thousands of edge cases per operation
_served: list[ThreadedServer] = []


@pytest.fixture(scope="module", autouse=True)
def server() -> Iterator[ThreadedServer]:
    sim = Simulator(now="2026-01-05T09:00:00Z", seed=2,
                    settings={"throughput_limit": False, "pair_rate_limit": False,
                              "management_call_limit": False})
    with ThreadedServer(sim) as served:
        _served.append(served)
        yield served
        _served.clear()


def _envelope(body: Any) -> bool:
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and isinstance(error.get("code"), int) and \
        isinstance(error.get("message"), str) and isinstance(error.get("fbtrace_id"), str)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_spec_operation_answers_without_a_server_error(case: Any) -> None:
    if case.path_parameters:
        for name, value in PINNED.items():
            if name in case.path_parameters:
                case.path_parameters[name] = value
    response = case.call(base_url=_served[0].url,
                         headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
    if 400 <= response.status_code < 500 and case.method.upper() != "HEAD":
        assert _envelope(response.json()), (case.method, case.formatted_path,
                                            response.text[:300])
