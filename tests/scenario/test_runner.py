"""Running scenarios: what passes, and what a failing step reports (expected vs happened)."""

from __future__ import annotations

from typing import Any

from wasim.scenario import RunOptions, ScenarioResult, load_text, run_scenario


def run(text: str, **options: object) -> ScenarioResult:
    scenario = load_text(text, "s.wasim.yaml")[0]
    return run_scenario(scenario, RunOptions(**options))  # type: ignore[arg-type]


def failure(result: ScenarioResult) -> tuple[int, str, str, int]:
    failed = result.failure
    assert failed is not None
    return failed.step.index, failed.expected, failed.happened, failed.line


HEAD = "name: t\nstart: 2026-01-05T09:00:00Z\nsteps:\n"


def test_a_scenario_whose_expectations_hold_passes() -> None:
    result = run(HEAD + """
  - customer: {from: ana, text: hi}
    expect: {window: open, webhooks: [{kind: message, type: text}]}
  - send: {to: ana, text: hello}
    expect: {http: 200, statuses: [sent, delivered], pricing: {category: service}}
""")
    assert result.ok
    assert [r.outcome for r in result.steps] == ["passed", "passed"]


def test_a_wrong_status_reports_expected_and_happened_at_the_expect_line() -> None:
    result = run(HEAD + """
  - customer: {from: ana, text: hi}
  - send: {to: ana, text: hello}
    expect:
      status: read
""")
    assert failure(result) == (2, "status read", "statuses sent, delivered", 8)


def test_steps_after_a_failure_are_skipped() -> None:
    result = run(HEAD + "  - send: {to: ana, text: hi}\n  - advance: 1h\n")
    assert [r.outcome for r in result.steps] == ["failed", "skipped"]


def test_a_send_that_fails_without_an_expectation_fails_the_step() -> None:
    result = run(HEAD + "  - send: {to: ana, text: hi}\n")
    index, expected, happened, _ = failure(result)
    assert (index, expected) == (1, "the message not to fail")
    assert happened.startswith("it failed with error 131047 Re-engagement message")


def test_an_unexpected_http_error_fails_the_step() -> None:
    result = run(HEAD + "  - send: {to: ana, template: {name: spring_sale, body: [x]}}\n")
    assert failure(result)[:3] == (
        1, "HTTP 200", "HTTP 400 with error 132015 (#132015) Template is Paused: Template is "
        "paused due to low quality so it cannot be sent in a template message.")


def test_error_channel_distinguishes_sync_from_webhook() -> None:
    result = run(HEAD + """
  - send: {to: ana, text: hi}
    expect: {error: {code: 131047, channel: sync}}
""")
    assert failure(result)[1:3] == (
        "error 131047 (sync)", "webhook error 131047 Re-engagement message")


def test_sync_window_mode_reports_the_error_in_the_http_answer() -> None:
    result = run(HEAD.replace("steps:", "settings: {window_violation_mode: sync}\nsteps:") + """
  - send: {to: ana, text: hi}
    expect: {http: {status: 400, code: 131047}, error: {code: 131047, channel: sync}}
""")
    assert result.ok


def test_window_expectation_names_when_it_closed() -> None:
    result = run(HEAD + """
  - customer: {from: ana, text: hi}
  - advance: 24h
    expect: {window: {ana: open}}
""")
    assert failure(result)[1:3] == ("window with ana open",
                                    "window closed (closed at 2026-01-06T09:00:00+00:00)")


def test_saved_results_are_reused_by_later_steps() -> None:
    result = run(HEAD + """
  - customer: {from: ana, text: hi}
    as: first
  - send: {to: ana, reaction: {message_id: "${first.id}", emoji: "👍"}}
    as: reaction
  - expect: {message: "${reaction.id}", record: {type: reaction}}
""")
    assert result.ok


def test_vars_are_substituted_into_text() -> None:
    result = run(HEAD.replace("steps:", "vars: {order: A-77}\nsteps:") + """
  - send: {to: ana, template: {name: shipping_update, body: [Ana, "order ${order}"]}}
    as: sent
  - expect: {message: "${sent.id}", record: {body: {template: {components: [
      {parameters: [{text: Ana}, {text: order A-77}]}]}}}}
""")
    assert result.ok, result.failure_text()


def test_webhook_matchers_are_checked_in_order() -> None:
    result = run(HEAD + """
  - send: {to: ana, template: {name: shipping_update, body: [Ana, A-1]}}
    expect: {webhooks: [{status: delivered}, {status: sent}]}
""")
    assert failure(result)[1:3] == (
        'webhooks [{"status": "delivered"}, {"status": "sent"}] during this step',
        "2 webhook(s): status sent, status delivered")


def test_raw_graph_request_checks_the_exact_answer() -> None:
    result = run(HEAD + """
  - graph: {method: GET, path: "${phone_id}/nothing_here"}
    expect: {http: {status: 400, code: 2500}}
""")
    assert result.ok, result.failure_text()


def test_response_patterns_are_regular_expressions() -> None:
    result = run(HEAD + """
  - send: {to: ana, template: {name: shipping_update, body: [Ana, A-1]}}
    expect: {response: {messages: [{id: "/^wamid\\\\./", message_status: accepted}]}}
""")
    assert result.ok, result.failure_text()


def test_the_seed_makes_ids_repeatable() -> None:
    text = HEAD + "  - send: {to: ana, template: {name: shipping_update, body: [A, B]}}\n" \
        "    as: m\n"
    first, second, other = (run(text, seed=seed).variables["m"]["id"]
                            for seed in ("42", "42", "43"))
    assert first == second != other


def test_template_expectation_shows_the_template_as_it_is() -> None:
    result = run(HEAD + """
  - expect: {template: {name: shipping_update, status: PAUSED}}
""")
    assert failure(result)[1:3] == ('template shipping_update {"name": "shipping_update", '
                                    '"status": "PAUSED"}',
                                    'template shipping_update {"name": "shipping_update", '
                                    '"status": "APPROVED"}')


def test_review_decisions_go_through_the_control_routes() -> None:
    result = run(HEAD + """
  - pause: shipping_update
    expect: {template: {status: PAUSED}}
  - reject: {template: shipping_update, reason: SCAM}
    expect: {http: {status: 400, code: 100, subcode: 2388039}}
""")
    assert result.ok, result.failure_text()


def test_a_scenario_needing_an_app_is_skipped_without_one() -> None:
    result = run(HEAD + "  - expect_sent: {to: ana, text: /hi/}\n")
    assert [r.outcome for r in result.steps] == ["skipped"]
    assert result.steps[0].happened == "needs an app under test (--app URL)"


def test_the_built_in_receiver_counts_accepted_webhooks() -> None:
    result = run(HEAD + """
  - customer: {from: ana, text: hi}
  - expect: {received: 1}
  - receiver: down
  - customer: {from: ana, text: again}
  - expect: {received: 1}
""")
    assert result.ok, result.failure_text()


def test_an_asgi_app_under_test_that_raises_shows_its_traceback_in_the_failing_step() -> None:
    from urllib.parse import parse_qs

    async def app(scope: Any, receive: Any, send: Any) -> None:
        query = parse_qs(scope["query_string"].decode())
        if scope["method"] == "GET":
            body = query.get("hub.challenge", [""])[0].encode()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": body})
            return
        broken_handler()

    def broken_handler() -> None:
        raise RuntimeError("bug in my handler")

    scenario = load_text("name: x\nsteps:\n  - customer: {from: ana, text: hi}\n"
                         "  - expect_sent: {to: ana, within: 100ms}\n", "s.yaml")[0]
    result = run_scenario(scenario, RunOptions(app=app, port=0))
    failed = result.failure
    assert failed is not None and failed.step.index == 2
    assert failed.happened.startswith("it sent nothing; the app raised:\nTraceback")
    assert "in broken_handler" in failed.happened
    assert failed.happened.endswith("RuntimeError: bug in my handler")


def test_messages_are_counted_beyond_one_page_of_the_control_listing() -> None:
    sends = "".join("  - send: {to: ana, text: hi}\n  - advance: 10s\n" for _ in range(120))
    scenario = load_text("name: many\nsteps:\n  - customer: {from: ana, text: hi}\n" + sends
                         + "  - expect: {messages: {to: ana, count: 120}}\n", "s.yaml")[0]
    result = run_scenario(scenario)
    assert result.ok, result.failure_text()
