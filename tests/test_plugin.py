"""The pytest plugin as users see it: through pytester."""

from __future__ import annotations

import re
import textwrap

import pytest

from tests.docs_text import DOCS

ARGS = ("-p", "no:cacheprovider", "-W", "error")

HEADER = '''
import datetime
import re

import httpx
import pytest

GRAPH = "https://graph.facebook.com/v23.0/106540352242922/messages"
AUTH = {"Authorization": "Bearer wasim-token"}
ANA = "16505551234"


def text(body="hello", to=ANA):
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def template(to=ANA):
    return {"messaging_product": "whatsapp", "to": to, "type": "template",
            "template": {"name": "shipping_update", "language": {"code": "en_US"},
                         "components": [{"type": "body", "parameters": [
                             {"type": "text", "text": "Ana"}, {"type": "text", "text": "A-1"}]}]}}


def now():
    return datetime.datetime.now(datetime.timezone.utc)
'''

def readme_quick_test() -> str:
    """The first Python block of the README's pytest plugin section (it must run as is)."""
    text = DOCS
    section = text[text.index("\n## pytest plugin\n"):]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


DONE_WHEN = readme_quick_test()


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_it=textwrap.dedent(HEADER) + textwrap.dedent(source))
    return pytester.runpytest(*ARGS, *args)


# --- registration -------------------------------------------------------------------


def test_fixtures_are_registered_through_the_entry_point(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("-p", "no:cacheprovider", "--fixtures")
    result.stdout.fnmatch_lines([
        "whatsapp_sim -- *simulator/wasim/testing/plugin.py:*",
        "    A fresh in-process WhatsApp Cloud API simulator for this test.",
    ])
    result.stdout.fnmatch_lines(["whatsapp_sim_options -- *simulator/wasim/testing/plugin.py:*"])
    result.stdout.fnmatch_lines(["whatsapp_server -- *simulator/wasim/testing/plugin.py:*"])


def test_the_plugin_can_be_turned_off_by_its_entry_point_name(
        pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:whatsapp_simulator",
                                "--fixtures")
    assert result.ret == 0
    result.stdout.no_fnmatch_line("whatsapp_sim *")


def test_the_marker_is_registered_with_its_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("-p", "no:cacheprovider", "--markers")
    result.stdout.fnmatch_lines([
        "@pytest.mark.whatsapp_sim(*, world=None, start=None, seed=None, "
        "window_violation_mode=None, settings=None, webhook=None, strict=None, ...): *"])


def test_the_ten_line_test_of_the_issue_passes_with_no_set_up(
        pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_done=DONE_WHEN)
    pytester.runpytest(*ARGS).assert_outcomes(passed=1)


def test_the_ten_line_test_runs_side_by_side_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_done=DONE_WHEN)
    run(pytester, '''
        @pytest.mark.parametrize("n", range(6))
        def test_each_gets_a_fresh_simulator(whatsapp_sim, n):
            whatsapp_sim.customer("ana").says(f"hi {n}")
            assert httpx.post(GRAPH, json=text(f"reply {n}"), headers=AUTH).status_code == 200
            assert [m.body["text"]["body"] for m in whatsapp_sim.sent] == [f"reply {n}"]
    ''', "-n", "2").assert_outcomes(passed=7)


# --- the in-process fixture -------------------------------------------------------------


def test_each_test_gets_a_fresh_simulator(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        def test_first(whatsapp_sim):
            whatsapp_sim.customer("ana").says("hi")
            httpx.post(GRAPH, json=text(), headers=AUTH)
            assert len(whatsapp_sim.sent) == 1

        def test_second(whatsapp_sim):
            assert len(whatsapp_sim.sent) == 0
            assert whatsapp_sim.window("ana")["open"] is False
    ''').assert_outcomes(passed=2)


def test_async_clients_and_asyncio_work_with_a_frozen_start(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        import asyncio

        @pytest.mark.anyio
        @pytest.mark.whatsapp_sim(start="2026-01-05T09:00:00Z")
        async def test_async(whatsapp_sim, anyio_backend):
            await asyncio.sleep(0.01)
            whatsapp_sim.customer("ana").says("hi")
            async with httpx.AsyncClient() as client:
                response = await client.post(GRAPH, json=text(), headers=AUTH)
            assert response.status_code == 200
            await asyncio.wait_for(asyncio.sleep(0.01), timeout=1)
            assert now().isoformat() == "2026-01-05T09:00:00+00:00"

        @pytest.fixture
        def anyio_backend():
            return "asyncio"
    ''').assert_outcomes(passed=1)


def test_start_freezes_time_and_advance_moves_the_tests_clock(
        pytester: pytest.Pytester) -> None:
    run(pytester, '''
        @pytest.mark.whatsapp_sim(start="2026-01-05T09:00:00Z")
        def test_one_clock(whatsapp_sim):
            assert now().isoformat() == "2026-01-05T09:00:00+00:00"
            whatsapp_sim.advance("25h")
            assert now().isoformat() == "2026-01-06T10:00:00+00:00"
            assert whatsapp_sim.now() == now()
            whatsapp_sim.set_time("2026-02-01T00:00:00Z")
            assert now().isoformat() == "2026-02-01T00:00:00+00:00"
            whatsapp_sim.freeze()
            whatsapp_sim.advance("1h")
            assert whatsapp_sim.now() == now() == datetime.datetime(
                2026, 2, 1, 1, tzinfo=datetime.timezone.utc)
            whatsapp_sim.freeze(at="2026-03-01T00:00:00Z")
            whatsapp_sim.unfreeze()
            assert whatsapp_sim.now() == now() == datetime.datetime(
                2026, 3, 1, tzinfo=datetime.timezone.utc)

        def test_time_is_real_again_afterwards():
            assert type(now()) is datetime.datetime
            assert datetime.datetime.__name__ == "datetime"
    ''').assert_outcomes(passed=2)


def test_without_start_the_simulator_runs_on_real_time_plus_an_offset(
        pytester: pytest.Pytester) -> None:
    run(pytester, '''
        def test_offset(whatsapp_sim):
            before = now()
            whatsapp_sim.advance("25h")
            skew = whatsapp_sim.now() - now()
            assert datetime.timedelta(hours=24, minutes=59) < skew <= datetime.timedelta(hours=25)
            assert now() - before < datetime.timedelta(hours=1)
    ''').assert_outcomes(passed=1)


def test_seed_makes_ids_repeatable(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        IDS = []

        @pytest.mark.parametrize("run", [1, 2])
        @pytest.mark.whatsapp_sim(seed=42)
        def test_seeded(whatsapp_sim, run):
            IDS.append(whatsapp_sim.customer("ana").says("hi").id)

        def test_same():
            assert IDS[0] == IDS[1]
    ''').assert_outcomes(passed=3)


def test_window_violation_mode_sync_refuses_in_the_response(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        @pytest.mark.whatsapp_sim(window_violation_mode="sync")
        def test_sync(whatsapp_sim):
            response = httpx.post(GRAPH, json=text(), headers=AUTH)
            assert response.status_code == 400
            assert response.json()["error"]["code"] == 131047
            assert len(whatsapp_sim.sent) == 0
    ''').assert_outcomes(passed=1)


def test_settings_option_sets_world_settings(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        @pytest.mark.whatsapp_sim(settings={"read_after": 0})
        def test_read(whatsapp_sim):
            whatsapp_sim.customer("ana").says("hi")
            httpx.post(GRAPH, json=text(), headers=AUTH)
            assert whatsapp_sim.sent.last.status == "read"
    ''').assert_outcomes(passed=1)


def test_world_option_loads_a_file_from_the_rootdir(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", **{"worlds/tiny": textwrap.dedent('''
        app_secret: s
        verify_token: v
        tokens: [{value: tiny-token}]
        accounts:
          - waba_id: "11111"
            name: Tiny
            phone_numbers:
              - {id: "22222", display_phone_number: "15550000000", verified_name: Tiny}
    ''')})
    run(pytester, '''
        @pytest.mark.whatsapp_sim(world="worlds/tiny.yaml")
        def test_tiny(whatsapp_sim):
            assert (whatsapp_sim.token, whatsapp_sim.phone_number_id) == ("tiny-token", "22222")
            assert whatsapp_sim.messages_url.endswith("/v23.0/22222/messages")
    ''').assert_outcomes(passed=1)


@pytest.mark.parametrize(("world", "expected"), [
    ("broken.yaml", "whatsapp_sim: *broken.yaml:2:16: invalid YAML: *"),
    ("missing.yaml", "whatsapp_sim: *missing.yaml:1*: cannot read file: *"),
])
def test_a_bad_world_file_is_reported_with_file_and_line(
        pytester: pytest.Pytester, world: str, expected: str) -> None:
    pytester.makefile(".yaml", broken="app_secret: s\nverify_token: [\n")
    result = run(pytester, f'''
        @pytest.mark.whatsapp_sim(world="{world}")
        def test_world(whatsapp_sim):
            pass
    ''')
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([expected])


def test_intercept_false_leaves_the_graph_host_alone(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        @pytest.mark.whatsapp_sim(intercept=False)
        def test_not_routed(whatsapp_sim, respx_mock):
            respx_mock.post(GRAPH).respond(418)
            assert httpx.post(GRAPH, json=text(), headers=AUTH).status_code == 418
            assert len(whatsapp_sim.requests) == 0
    ''').assert_outcomes(passed=1)


def test_graph_hosts_option_routes_other_hosts(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        @pytest.mark.whatsapp_sim(graph_hosts=("graph.internal.test",))
        def test_custom_host(whatsapp_sim):
            whatsapp_sim.customer("ana").says("hi")
            url = "http://graph.internal.test/v23.0/106540352242922/messages"
            assert httpx.post(url, json=text(), headers=AUTH).status_code == 200
    ''').assert_outcomes(passed=1)


def test_a_marked_test_gets_the_fixture_without_asking(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        @pytest.mark.whatsapp_sim(window_violation_mode="sync")
        def test_no_argument():
            response = httpx.post(GRAPH, json=text(), headers=AUTH)
            assert response.json()["error"]["code"] == 131047
    ''').assert_outcomes(passed=1)


# --- three configuration levels ---------------------------------------------------------


def test_closest_marker_wins_over_module_and_conftest(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('''
        import pytest

        @pytest.fixture
        def whatsapp_sim_options():
            return {"seed": 1, "settings": {"read_after": 0}}
    ''')
    run(pytester, '''
        pytestmark = pytest.mark.whatsapp_sim(window_violation_mode="sync")

        def test_module_level(whatsapp_sim):
            assert whatsapp_sim.options.seed == 1
            assert whatsapp_sim.world.settings.window_violation_mode == "sync"
            assert whatsapp_sim.world.settings.read_after == 0

        @pytest.mark.whatsapp_sim(window_violation_mode="async", seed=2,
                                  settings={"delivered_after": 5})
        def test_function_level(whatsapp_sim):
            assert whatsapp_sim.options.seed == 2
            assert whatsapp_sim.world.settings.window_violation_mode == "async"
            assert whatsapp_sim.world.settings.read_after == 0
            assert whatsapp_sim.world.settings.delivered_after == 5

        @pytest.mark.whatsapp_sim(seed=3)
        class TestClassLevel:
            def test_class(self, whatsapp_sim):
                assert whatsapp_sim.options.seed == 3

            @pytest.mark.whatsapp_sim(seed=4)
            def test_method(self, whatsapp_sim):
                assert whatsapp_sim.options.seed == 4
    ''').assert_outcomes(passed=4)


def test_parametrizing_the_options_runs_a_test_in_each_mode(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        @pytest.mark.parametrize(("whatsapp_sim_options", "status"), [
            ({"window_violation_mode": "sync"}, 400),
            ({"window_violation_mode": "async"}, 200),
        ])
        def test_late_reply(whatsapp_sim, status):
            assert httpx.post(GRAPH, json=text(), headers=AUTH).status_code == status
    ''').assert_outcomes(passed=2)


# --- misuse ---------------------------------------------------------------------------


@pytest.mark.parametrize(("marker", "message"), [
    pytest.param("seeed=1", "whatsapp_sim: unknown option(s) seeed; options are: "
                 "app_secret, assert_all_endpoints_implemented, *", id="typo"),
    pytest.param("'2026-01-05'", "whatsapp_sim: takes keyword options only, got "
                 "positional ('2026-01-05',)", id="positional"),
    pytest.param("start='next tuesday'", "whatsapp_sim: start='next tuesday': not an "
                 "ISO-8601 instant*", id="start"),
    pytest.param("window_violation_mode='never'", "whatsapp_sim: window_violation_mode "
                 "must be 'async' or 'sync', got 'never'", id="mode"),
])
def test_bad_options_fail_the_set_up_with_a_sentence(
        pytester: pytest.Pytester, marker: str, message: str) -> None:
    result = run(pytester, f'''
        @pytest.mark.whatsapp_sim({marker})
        def test_it(whatsapp_sim):
            pass
    ''')
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])


# --- assertion failures as the user sees them -----------------------------------------


def test_assertion_failures_show_what_happened(pytester: pytest.Pytester) -> None:
    result = run(pytester, '''
        @pytest.mark.whatsapp_sim(start="2026-01-05T09:00:00Z")
        def test_expect_a_template(whatsapp_sim):
            whatsapp_sim.customer("ana").says("hi")
            whatsapp_sim.advance("25h")
            httpx.post(GRAPH, json=text("Still there?"), headers=AUTH)
            whatsapp_sim.assert_sent(to="ana", template="shipping_update")
    ''')
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "E       AssertionError: no message sent matching to='ana', "
        "template='shipping_update'",
        "E         1 message(s) sent; the last 1:",
        "E           2026-01-06 10:00:00 text 'Still there?' to 16505551234 -> failed "
        "(131047 Re-engagement message)",
        "E         window of 16505551234: closed (customer last wrote "
        "2026-01-05T09:00:00+00:00, closes 2026-01-06T09:00:00+00:00; "
        "now 2026-01-06T10:00:00+00:00)",
        "E         template shipping_update (en_US): APPROVED, SHIPPING_UPDATE",
    ], consecutive=True)


# --- teardown checks --------------------------------------------------------------------

UNIMPLEMENTED = '''
    {marker}
    def test_calls_an_unknown_edge(whatsapp_sim):
        response = httpx.get("https://graph.facebook.com/v23.0/106540352242922/nothing_here",
                             headers=AUTH)
        assert response.json()["error"]["code"] == 2500
'''


def test_an_unimplemented_endpoint_fails_the_teardown(pytester: pytest.Pytester) -> None:
    result = run(pytester, UNIMPLEMENTED.format(marker=""))
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([
        "whatsapp_sim teardown checks failed:",
        "1 Graph API call(s) hit an endpoint wasim does not implement:",
        "  GET /v23.0/106540352242922/nothing_here -> 400 (code 2500)",
        "  the supported endpoints are listed in docs/reference/endpoints.md",
        "  (turn this check off with @pytest.mark.whatsapp_sim("
        "assert_all_endpoints_implemented=False); see docs/pytest.md#teardown-checks)",
    ], consecutive=True)


@pytest.mark.parametrize("marker", [
    pytest.param("assert_all_endpoints_implemented=False", id="named"),
    pytest.param("strict=False", id="strict"),
])
def test_the_unimplemented_endpoint_check_can_be_turned_off(
        pytester: pytest.Pytester, marker: str) -> None:
    result = run(pytester, UNIMPLEMENTED.format(marker=f"@pytest.mark.whatsapp_sim({marker})"))
    result.assert_outcomes(passed=1)


def test_a_failed_test_body_is_not_buried_under_teardown_checks(
        pytester: pytest.Pytester) -> None:
    result = run(pytester, UNIMPLEMENTED.format(marker="") + '''
    def test_fails_after_an_unknown_edge(whatsapp_sim):
        httpx.get("https://graph.facebook.com/v23.0/x/y", headers=AUTH)
        assert False, "the test's own failure"
    ''', "-ra")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(["ERROR test_it.py::test_calls_an_unknown_edge - *",
                                 "FAILED test_it.py::test_fails_after_an_unknown_edge - *"])
    result.stdout.no_fnmatch_line("ERROR test_it.py::test_fails_after_an_unknown_edge*")


WINDOW_FAILURE = '''
    {marker}
    def test_late_reply(whatsapp_sim):
        whatsapp_sim.customer("ana").says("hi")
        whatsapp_sim.advance("25h")
        assert httpx.post(GRAPH, json=text("late"), headers=AUTH).status_code == 200
        {inspect}
'''


def test_an_uninspected_131047_passes_by_default(pytester: pytest.Pytester) -> None:
    run(pytester, WINDOW_FAILURE.format(marker="", inspect="")).assert_outcomes(passed=1)


@pytest.mark.parametrize("marker", [
    pytest.param("assert_window_failures_inspected=True", id="named"),
    pytest.param("strict=True", id="strict"),
])
def test_an_uninspected_131047_fails_when_asked(pytester: pytest.Pytester, marker: str) -> None:
    result = run(pytester, WINDOW_FAILURE.format(
        marker=f"@pytest.mark.whatsapp_sim({marker}, seed=1)", inspect=""))
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([
        "1 message(s) failed with 131047 (outside the customer service window) and "
        "nothing looked at the failure:",
        "  wamid.*: 20* text 'late' to 16505551234 -> failed (131047 Re-engagement message)",
        "  inspect them with whatsapp_sim.assert_failed(...) or "
        "whatsapp_sim.sent.filter(error=131047)",
        "  (turn this check off with @pytest.mark.whatsapp_sim("
        "assert_window_failures_inspected=False); see docs/pytest.md#teardown-checks)",
    ], consecutive=True)


@pytest.mark.parametrize("inspect", [
    pytest.param("whatsapp_sim.assert_failed(to='ana')", id="assert_failed"),
    pytest.param("assert len(whatsapp_sim.sent.filter(error=131047)) == 1", id="filter"),
    pytest.param("whatsapp_sim.message(whatsapp_sim.sent.last.id)", id="message"),
])
def test_inspecting_the_131047_failure_satisfies_the_check(
        pytester: pytest.Pytester, inspect: str) -> None:
    run(pytester, WINDOW_FAILURE.format(
        marker="@pytest.mark.whatsapp_sim(strict=True)", inspect=inspect,
    )).assert_outcomes(passed=1)


def test_a_131047_the_app_received_counts_as_inspected(pytester: pytest.Pytester) -> None:
    run(pytester, WINDOW_FAILURE.format(
        marker="@pytest.mark.whatsapp_sim(strict=True, webhook=lambda headers, body: 200)",
        inspect="whatsapp_sim.flush()",
    )).assert_outcomes(passed=1)


def test_an_undeliverable_webhook_fails_the_teardown(pytester: pytest.Pytester) -> None:
    result = run(pytester, '''
        def refuse(headers, body):
            return 500

        @pytest.mark.whatsapp_sim(webhook=refuse, start="2026-01-05T09:00:00Z")
        def test_refused(whatsapp_sim):
            whatsapp_sim.customer("ana").says("hi")
    ''')
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([
        "1 webhook(s) could not be delivered to the app under test:",
        "  *: 2 attempt(s), last: status 500, error receiver answered HTTP 500",
        "  (turn this check off with @pytest.mark.whatsapp_sim("
        "assert_all_webhooks_delivered=False); see docs/pytest.md#teardown-checks)",
    ], consecutive=True)


def test_the_webhook_check_can_be_turned_off(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        @pytest.mark.whatsapp_sim(webhook=lambda headers, body: 500,
                                  assert_all_webhooks_delivered=False)
        def test_refused(whatsapp_sim):
            whatsapp_sim.customer("ana").says("hi")
    ''').assert_outcomes(passed=1)


def test_webhooks_reach_a_callable_signed(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        import hashlib, hmac, json
        GOT = []

        def receive(headers, body):
            GOT.append((headers, body))

        @pytest.mark.whatsapp_sim(webhook=receive, app_secret="shh")
        def test_signed(whatsapp_sim):
            whatsapp_sim.customer("ana").says("hi")
            whatsapp_sim.flush()
            headers, body = GOT[-1]
            expected = "sha256=" + hmac.new(b"shh", body, hashlib.sha256).hexdigest()
            assert headers["X-Hub-Signature-256"] == expected
            value = json.loads(body)["entry"][0]["changes"][0]["value"]
            assert value["messages"][0]["text"] == {"body": "hi"}
    ''').assert_outcomes(passed=1)


def test_webhooks_reach_a_url_while_httpx_is_intercepted(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        import json, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlparse

        BODIES = []

        class Receiver(BaseHTTPRequestHandler):
            def do_GET(self):
                challenge = parse_qs(urlparse(self.path).query)["hub.challenge"][0]
                self.send_response(200)
                self.end_headers()
                self.wfile.write(challenge.encode())

            def do_POST(self):
                BODIES.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        @pytest.fixture
        def receiver():
            server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            yield f"http://127.0.0.1:{server.server_address[1]}/webhook"
            server.shutdown()
            server.server_close()

        @pytest.fixture
        def whatsapp_sim_options(receiver):
            return {"webhook": receiver}

        def test_url(whatsapp_sim):
            assert whatsapp_sim.delivery.verification.ok
            whatsapp_sim.customer("ana").says("hi")
            httpx.post(GRAPH, json=text("hello"), headers=AUTH)
            whatsapp_sim.flush()
            statuses = [b["entry"][0]["changes"][0]["value"].get("statuses", [{}])[0].get("status")
                        for b in BODIES]
            assert statuses == [None, "sent", "delivered"]
    ''').assert_outcomes(passed=1)


def test_an_asgi_app_answers_webhooks_into_the_same_simulator(
        pytester: pytest.Pytester) -> None:
    run(pytester, '''
        from starlette.applications import Starlette
        from starlette.responses import PlainTextResponse, Response
        from starlette.routing import Route

        async def verify(request):
            return PlainTextResponse(request.query_params["hub.challenge"])

        async def receive(request):
            value = (await request.json())["entry"][0]["changes"][0]["value"]
            for message in value.get("messages", []):
                async with httpx.AsyncClient() as client:
                    await client.post(GRAPH, json=text("echo: " + message["text"]["body"],
                                                       to=message["from"]), headers=AUTH)
            return Response()

        APP = Starlette(routes=[Route("/webhook", verify), Route("/webhook", receive,
                                                                  methods=["POST"])])

        @pytest.mark.whatsapp_sim(webhook=APP, start="2026-01-05T09:00:00Z")
        def test_echo(whatsapp_sim):
            whatsapp_sim.customer("ana").says("ping")
            whatsapp_sim.assert_sent(to="ana", text="echo: ping", status="delivered")
    ''').assert_outcomes(passed=1)


FAILED_SET_UP = '''
    @pytest.mark.whatsapp_sim(start="2026-01-05T09:00:00Z", webhook="ftp://nowhere")
    def test_bad_target(whatsapp_sim):
        pass

    def test_time_is_not_left_frozen():
        assert type(now()) is datetime.datetime
        assert datetime.datetime.__name__ == "datetime"
'''


def test_a_bad_webhook_target_fails_the_set_up_and_unfreezes_time(
        pytester: pytest.Pytester) -> None:
    result = run(pytester, FAILED_SET_UP)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([
        "whatsapp_sim: webhook url must start with http:// or https://: 'ftp://nowhere'"])


# --- server mode ------------------------------------------------------------------------


def test_whatsapp_server_serves_the_same_simulator(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        import json, urllib.request

        def test_urllib_client(whatsapp_server, whatsapp_sim):
            assert whatsapp_server.sim is whatsapp_sim
            assert whatsapp_server.base_url.startswith("http://127.0.0.1:")
            assert whatsapp_server.graph_url == whatsapp_server.base_url + "/v23.0"
            assert (whatsapp_server.token, whatsapp_server.phone_number_id,
                    whatsapp_server.waba_id) == ("wasim-token", "106540352242922",
                                                 "102290129340398")
            assert (whatsapp_server.app_secret, whatsapp_server.verify_token) == (
                "wasim-app-secret", "wasim-verify-token")
            whatsapp_sim.customer("ana").says("hi")
            request = urllib.request.Request(
                whatsapp_server.messages_url, data=json.dumps(text("over a socket")).encode(),
                headers={"Authorization": f"Bearer {whatsapp_server.token}",
                         "Content-Type": "application/json"})
            with urllib.request.urlopen(request) as response:
                wamid = json.load(response)["messages"][0]["id"]
            assert whatsapp_sim.sent.last.id == wamid
    ''').assert_outcomes(passed=1)


def test_whatsapp_server_follows_the_frozen_clock(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        import json, urllib.request

        @pytest.mark.whatsapp_sim(start="2026-01-05T09:00:00Z")
        def test_clock(whatsapp_server):
            whatsapp_server.sim.advance("25h")
            with urllib.request.urlopen(whatsapp_server.base_url + "/_sim/clock") as response:
                assert json.load(response)["now"] == "2026-01-06T10:00:00+00:00"
    ''').assert_outcomes(passed=1)


# --- isolation --------------------------------------------------------------------------


def test_two_simulators_in_one_process_share_nothing(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        from wasim import Simulator
        from wasim.testing.session import WhatsAppServer
        from wasim import Simulator
        from wasim.config import Options

        @pytest.mark.whatsapp_sim(start="2026-01-05T09:00:00Z")
        def test_two(whatsapp_sim, whatsapp_server):
            other = Simulator(Options(seed=1))
            second = WhatsAppServer(other).start()
            try:
                assert second.port != whatsapp_server.port
                other.advance("2h")
                whatsapp_sim.customer("ana").says("hi")
                assert len(other.received) == 0 and len(whatsapp_sim.received) == 1
                assert other.now() - whatsapp_sim.now() == datetime.timedelta(hours=2)
                whatsapp_sim.advance("1h")
                assert other.now() - whatsapp_sim.now() == datetime.timedelta(hours=2)
            finally:
                second.stop()
    ''').assert_outcomes(passed=1)


# --- pytest's own timings under a frozen clock ------------------------------------------


def test_durations_and_junit_times_stay_real_when_the_test_clock_is_frozen(
        pytester: pytest.Pytester) -> None:
    """With ``start=`` the test's clock is frozen (and advanced 25 h), but pytest's timer is
    not: ``--durations`` and the JUnit report show real, sub-minute times."""
    report = pytester.path / "junit.xml"
    result = run(pytester, """
        @pytest.mark.whatsapp_sim(start="2026-01-05T09:00:00Z")
        def test_a_day_passes(whatsapp_sim):
            whatsapp_sim.advance("25h")
    """, "--durations=0", "--durations-min=0", f"--junitxml={report}")
    result.assert_outcomes(passed=1)
    durations = [float(seconds) for seconds in
                 re.findall(r"^([\d.]+)s (?:setup|call|teardown) ", result.stdout.str(), re.M)]
    assert len(durations) == 3 and max(durations) < 60, result.stdout.str()
    times = [float(value) for value in re.findall(r'time="([\d.]+)"', report.read_text())]
    assert times and max(times) < 60


# --- clients other than httpx -------------------------------------------------------------


def test_requests_calls_reach_the_fixture_in_process(pytester: pytest.Pytester) -> None:
    run(pytester, '''
        import requests

        def test_with_requests(whatsapp_sim):
            whatsapp_sim.customer("ana").says("hi")
            answer = requests.post(GRAPH, json=text(), headers=AUTH, timeout=5)
            assert answer.status_code == 200
            whatsapp_sim.assert_sent(to="ana", text="hello")
    ''').assert_outcomes(passed=1)


def test_a_graph_call_from_another_client_fails_the_test_naming_whatsapp_server(
        pytester: pytest.Pytester) -> None:
    result = run(pytester, '''
        import urllib.request

        def test_with_urllib(whatsapp_sim):
            try:
                urllib.request.urlopen("https://graph.facebook.com/v23.0/me", timeout=5)
            except OSError:
                pass  # code under test that swallows network errors
    ''')
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*tried to reach graph.facebook.com*whatsapp_server fixture*"])


def test_a_raising_app_under_test_shows_its_traceback_in_the_teardown_report(
        pytester: pytest.Pytester) -> None:
    result = run(pytester, '''
        from starlette.applications import Starlette
        from starlette.routing import Route


        def broken_handler(payload):
            raise KeyError("entry")  # the bot's own bug


        async def webhook(request):
            broken_handler(await request.json())


        APP = Starlette(routes=[Route("/webhook", webhook, methods=["POST"])])


        @pytest.mark.whatsapp_sim(webhook=APP)
        def test_bot(whatsapp_sim):
            whatsapp_sim.customer("ana").says("hi")
    ''')
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*receiver raised KeyError: 'entry'*",
                                 '*File "*test_it.py", line *, in broken_handler*',
                                 "*raise KeyError(\"entry\")*",
                                 "KeyError: 'entry'"])
