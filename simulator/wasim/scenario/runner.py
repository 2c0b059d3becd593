"""Run a scenario against a fresh simulator, step by step.

Every action goes through the simulator's HTTP app in process (``inline.AppClient``,
the same-thread twin of ``transport.sync_client``):
Graph routes for what the business does, ``/_sim/`` control routes for customers, time
and platform events. So a step works the same whether a feature is built into the core
or lands later behind its control route. With an app under test the simulator is also
served on a loopback port, its webhooks go to the app, and ``expect_sent`` steps wait for
what the app sends.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from wasim.api import create_app
from wasim.clock import parse_duration
from wasim.config import Options
from wasim.delivery.engine import DeliveryEngine
from wasim.errors import GraphError
from wasim.scenario import wiring
from wasim.scenario.inline import AppClient, Reply
from wasim.scenario.matching import matches, show
from wasim.scenario.model import Scenario, ScenarioResult, Step, StepResult
from wasim.scenario.variables import MissingVariable, resolve
from wasim.simulation import Simulator
from wasim.world.journal import Webhook

API_VERSION = "v23.0"
DEFAULT_WITHIN = 5.0
POLL_SECONDS = 0.02


@dataclass(slots=True)
class RunOptions:
    """How to run scenarios.

    Args:
        app_url: The webhook URL of an app under test (``None``: in-process only).
        port: Loopback port the simulator is served on for the app (0 picks one).
        seed: Overrides each scenario's ``seed`` for repeatable ids.
    """

    app_url: str | None = None
    port: int = 8787
    seed: int | str | None = None


@dataclass(slots=True)
class Outcome:
    """What an action left behind for its expectations."""

    response: Reply | None = None
    message_id: str | None = None
    who: str | None = None
    template: str | None = None
    language: str | None = None
    saved: Any = None


class StepFailure(Exception):
    """A step whose expectation did not hold (``expected`` vs ``happened``)."""

    def __init__(self, expected: str, happened: str, line: int = 0) -> None:
        super().__init__(happened)
        self.expected = expected
        self.happened = happened
        self.line = line


def needs_app(scenario: Scenario) -> bool:
    """Whether the scenario expects sends from an app under test."""
    return any(step.action == "expect_sent" for step in scenario.steps)


def uses_receiver(scenario: Scenario) -> bool:
    """Whether the scenario drives or checks the built-in webhook receiver (without one,
    webhooks are only recorded: nothing is POSTed, which keeps long replays fast)."""
    return any(step.action in ("receiver", "redeliver") or "received" in step.expect
               for step in scenario.steps)


def run_scenario(scenario: Scenario, options: RunOptions | None = None) -> ScenarioResult:
    """Run ``scenario`` in a new simulator; never raises for a failing step."""
    options = options or RunOptions()
    started = time.perf_counter()
    if needs_app(scenario) and options.app_url is None:
        skipped = [StepResult(step, "skipped", happened="needs an app under test (--app URL)")
                   for step in scenario.steps]
        return ScenarioResult(scenario, skipped, time.perf_counter() - started)
    with _Session(scenario, options) as session:
        results = session.run()
    return ScenarioResult(scenario, results, time.perf_counter() - started,
                          session.variables)


def _error_of(response: Reply) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _describe_response(response: Reply) -> str:
    error = _error_of(response)
    if error:
        details = (error.get("error_data") or {}).get("details") or ""
        return (f"HTTP {response.status_code} with error {error.get('code')} "
                f"{error.get('message', '')}" + (f": {details}" if details else ""))
    return f"HTTP {response.status_code}"


def summarize(webhook: Webhook) -> dict[str, Any]:
    """A flat view of a webhook for matchers: field, kind, status/type, error, ids."""
    value = webhook.value
    summary: dict[str, Any] = {"field": webhook.field}
    for key, item in value.items():
        if isinstance(item, str | int | float | bool):
            summary[key] = item
    statuses = value.get("statuses")
    messages = value.get("messages")
    if webhook.field == "messages" and statuses:
        status = statuses[0]
        summary.update(kind="status", status=status.get("status"), message=status.get("id"),
                       to=status.get("recipient_id"))
        if status.get("pricing"):
            summary["pricing"] = status["pricing"]
            summary["category"] = status["pricing"].get("category")
        if status.get("errors"):
            summary["error"] = status["errors"][0].get("code")
    elif webhook.field == "messages" and messages:
        message = messages[0]
        summary.update(kind="message", type=message.get("type"), message=message.get("id"),
                       **{"from": message.get("from")})
    else:
        summary["kind"] = webhook.field
    return summary


class _Session:
    """One run of one scenario: a simulator, its HTTP client and the scenario's variables."""

    def __init__(self, scenario: Scenario, options: RunOptions) -> None:
        self.scenario = scenario
        self.options = options
        seed = options.seed if options.seed is not None else scenario.seed
        self.sim = Simulator(Options(world=scenario.world, now=scenario.start, seed=seed))
        world = self.sim.world
        self.token = next(iter(world.tokens))
        self.phone_id = world.first_phone().id
        self.waba_id = world.first_account().waba_id
        self.variables: dict[str, Any] = {
            "phone_id": self.phone_id, "waba_id": self.waba_id, "token": self.token,
            "start": scenario.start,
            "contacts": {c.alias or c.wa_id: c.wa_id for a in world.accounts.values()
                         for c in a.contacts.values()},
            **scenario.variables}
        self.receiver = wiring.Receiver(world.app_secret)
        self.server: Any = None
        self.engine: DeliveryEngine | None = None
        self.claimed: set[str] = set()
        if options.app_url is not None:
            from wasim.serve.server import ThreadedServer

            self.server = ThreadedServer(self.sim, port=options.port).start()
            self.engine = wiring.attach(self.sim, options.app_url)
        elif uses_receiver(scenario):
            self.engine = wiring.attach(self.sim, self.receiver)
        self.client = AppClient(create_app(self.sim),
                                {"Authorization": f"Bearer {self.token}"})

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        wiring.close(self.engine)
        if self.server is not None:
            self.server.stop()
        self.client.close()

    # --- running -------------------------------------------------------------------

    def run(self) -> list[StepResult]:
        results: list[StepResult] = []
        broken = False
        for step in self.scenario.steps:
            if broken:
                results.append(StepResult(step, "skipped", happened="an earlier step failed"))
                continue
            result = self.run_step(step)
            results.append(result)
            broken = not result.ok
        return results

    def run_step(self, step: Step) -> StepResult:
        try:
            args = resolve(step.args, self.variables)
            expect = resolve(step.expect, self.variables)
            webhooks_from = len(self.sim.webhooks)
            outcome = getattr(self, f"do_{step.action}")(args)
            if self.engine is not None and self.options.app_url is not None:
                wiring.flush(self.engine)
            self.check(step, expect, outcome, webhooks_from)
        except StepFailure as failure:
            return StepResult(step, "failed", failure.expected, failure.happened,
                              failure.line or step.line)
        except MissingVariable as exc:
            return StepResult(step, "error", "", str(exc), step.line)
        except Exception as exc:  # a bug of ours: reported on the step, never a traceback
            return StepResult(step, "error", "", f"wasim could not run this step: "
                              f"{type(exc).__name__}: {exc}", step.line)
        if step.save_as is not None:
            self.variables[step.save_as] = outcome.saved
        self.variables["last"] = outcome.saved
        return StepResult(step, "passed", line=step.line)

    # --- HTTP ----------------------------------------------------------------------

    def call(self, method: str, path: str, body: Any = None,
             query: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None) -> Reply:
        return self.client.request(method, path, body, query, headers)

    def control(self, method: str, path: str, body: Any = None) -> Reply:
        response = self.call(method, f"/_sim{path}", body)
        if response.status_code >= 400:
            raise StepFailure(f"{method} /_sim{path} to succeed", _describe_response(response))
        return response

    def wa_id(self, who: Any) -> str:
        return self.sim.resolve_customer(str(who))

    # --- actions -------------------------------------------------------------------

    def do_expect(self, args: Any) -> Outcome:
        return Outcome(message_id=None)

    def do_customer(self, args: dict[str, Any]) -> Outcome:
        from wasim.scenario.steps import INBOUND_TYPES

        kind = next(k for k in args if k in INBOUND_TYPES)
        content = args[kind]
        body: dict[str, Any] = {"from": self.wa_id(args["from"]), "type": kind}
        if kind == "text" and isinstance(content, dict) and set(content) == {"body"}:
            content = content["body"]
        body[kind] = str(content) if kind == "text" and not isinstance(content, dict) \
            else content
        for key in ("name", "context", "referral", "phone_number_id"):
            if key in args:
                body[key] = args[key]
        if "reply_to" in args:
            body["context"] = args["reply_to"]
        response = self.call("POST", "/_sim/inbound", body)
        outcome = Outcome(response=response, who=body["from"])
        if response.status_code < 400:
            data = response.json()
            message = data.get("message", {})
            outcome.saved = {**message, "window": data.get("window")}
        return outcome

    def do_send(self, args: dict[str, Any]) -> Outcome:
        from wasim.scenario.steps import SEND_TYPES

        kind = next(k for k in args if k in SEND_TYPES)
        body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        if "to" in args:
            body["to"] = self.wa_id(args["to"])
        else:
            body["recipient"] = args["recipient"]
        body["type"] = kind
        body[kind] = self.content(kind, args[kind])
        if "reply_to" in args:
            body["context"] = {"message_id": args["reply_to"]}
        if "context" in args:
            body["context"] = args["context"]
        if "biz_opaque_callback_data" in args:
            body["biz_opaque_callback_data"] = args["biz_opaque_callback_data"]
        phone = args.get("from", self.phone_id)
        response = self.call("POST", f"/{API_VERSION}/{phone}/messages", body)
        outcome = Outcome(response=response, who=body.get("to"))
        if kind == "template":
            outcome.template = body["template"]["name"]
            outcome.language = body["template"]["language"]["code"]
        if response.status_code < 400:
            data = response.json()
            outcome.message_id = data["messages"][0]["id"]
            outcome.saved = {"id": outcome.message_id, "wa_id": data["contacts"][0]["wa_id"],
                             "response": data}
        return outcome

    @staticmethod
    def content(kind: str, value: Any) -> Any:
        if kind == "text":
            return value if isinstance(value, dict) else {"body": str(value)}
        if kind != "template":
            return value
        if not isinstance(value, dict):
            return {"name": str(value), "language": {"code": "en_US"}}
        language = value.get("language", "en_US")
        template: dict[str, Any] = {
            "name": value["name"],
            "language": language if isinstance(language, dict) else {"code": str(language)}}
        components = list(value.get("components", []))
        for part in ("header", "body"):
            if part in value:
                components.append({"type": part, "parameters": [
                    item if isinstance(item, dict) else {"type": "text", "text": str(item)}
                    for item in value[part]]})
        components.extend(value.get("buttons", []))
        if components:
            template["components"] = components
        return template

    def do_mark_read(self, args: dict[str, Any]) -> Outcome:
        body: dict[str, Any] = {"messaging_product": "whatsapp", "status": "read",
                                "message_id": args["message"]}
        if args.get("typing"):
            body["typing_indicator"] = {"type": "text"}
        phone = args.get("from", self.phone_id)
        return Outcome(response=self.call("POST", f"/{API_VERSION}/{phone}/messages", body))

    def do_graph(self, args: dict[str, Any]) -> Outcome:
        path = str(args["path"])
        if not path.startswith("/"):
            path = f"/{API_VERSION}/{path}"
        headers = None
        if "token" in args:
            token = args["token"]
            headers = {"Authorization": f"Bearer {token}"} if token not in (None, "none") \
                else {"Authorization": ""}
        response = self.call(str(args.get("method", "POST")).upper(), path, args.get("body"),
                             args.get("query"), headers)
        outcome = Outcome(response=response)
        try:
            outcome.saved = response.json()
        except ValueError:
            outcome.saved = response.text
        if (response.status_code < 400 and isinstance(outcome.saved, dict)
                and str(outcome.saved.get("id", "")).startswith("wamid.")):
            outcome.message_id = outcome.saved["id"]
        messages = outcome.saved.get("messages") if isinstance(outcome.saved, dict) else None
        if response.status_code < 400 and isinstance(messages, list) and messages:
            outcome.message_id = messages[0].get("id")
        return outcome

    def do_create_template(self, args: dict[str, Any]) -> Outcome:
        waba = args.get("waba", self.waba_id)
        body = {k: v for k, v in args.items() if k != "waba"}
        response = self.call("POST", f"/{API_VERSION}/{waba}/message_templates", body)
        outcome = Outcome(response=response, template=str(args["name"]),
                          language=str(args["language"]))
        if response.status_code < 400:
            outcome.saved = response.json()
        return outcome

    def review(self, action: str, args: dict[str, Any]) -> Outcome:
        body = {k: v for k, v in args.items() if k != "template"}
        ref = quote(str(args["template"]), safe="")
        response = self.call("POST", f"/_sim/templates/{ref}/{action}", body)
        outcome = Outcome(response=response, template=str(args["template"]),
                          language=args.get("language"))
        if response.status_code < 400:
            outcome.saved = response.json()
        return outcome

    def do_approve(self, args: dict[str, Any]) -> Outcome:
        return self.review("approve", args)

    def do_reject(self, args: dict[str, Any]) -> Outcome:
        return self.review("reject", args)

    def do_pause(self, args: dict[str, Any]) -> Outcome:
        return self.review("pause", args)

    def do_disable(self, args: dict[str, Any]) -> Outcome:
        return self.review("disable", args)

    def do_reinstate(self, args: dict[str, Any]) -> Outcome:
        return self.review("reinstate", args)

    def do_flag(self, args: dict[str, Any]) -> Outcome:
        return self.review("flag", args)

    def do_change_category(self, args: dict[str, Any]) -> Outcome:
        return self.review("change_category", args)

    def do_advance(self, args: Any) -> Outcome:
        return Outcome(response=self.call("POST", "/_sim/clock/advance", {"by": args}))

    def do_set_time(self, args: Any) -> Outcome:
        return Outcome(response=self.call("POST", "/_sim/clock/set", {"to": args}))

    def _contact(self, who: Any, body: dict[str, Any]) -> Outcome:
        wa_id = self.wa_id(who)
        response = self.call("POST", f"/_sim/contacts/{quote(wa_id, safe='')}", body)
        return Outcome(response=response, who=wa_id)

    def do_opt_out(self, args: Any) -> Outcome:
        return self._contact(args, {"opted_out_marketing": True})

    def do_opt_in(self, args: Any) -> Outcome:
        return self._contact(args, {"opted_out_marketing": False})

    def do_contact(self, args: dict[str, Any]) -> Outcome:
        return self._contact(args["who"], {k: v for k, v in args.items() if k != "who"})

    def do_fault(self, args: dict[str, Any]) -> Outcome:
        body = dict(args)
        return Outcome(response=self.call("POST", "/_sim/faults", body))

    def do_fail_next_message(self, args: dict[str, Any]) -> Outcome:
        body = dict(args)
        if "to" in body:
            body["to"] = self.wa_id(body["to"])
        return Outcome(response=self.call("POST", "/_sim/faults/messages", body))

    def do_upload_media(self, args: dict[str, Any]) -> Outcome:
        response = self.call("POST", "/_sim/media", args)
        outcome = Outcome(response=response)
        if response.status_code < 400:
            outcome.saved = response.json()
        return outcome

    def do_clear_faults(self, args: Any) -> Outcome:
        return Outcome(response=self.call("DELETE", "/_sim/faults"))

    def do_set_status(self, args: dict[str, Any]) -> Outcome:
        body = {k: v for k, v in args.items() if k != "message"}
        message = str(args["message"])
        if "/" in message:
            # A wamid's base64 may hold "/", which the path route cannot carry: use the
            # Python twin of POST /_sim/messages/{wamid}/status.
            try:
                self.sim.set_status(message, str(args["status"]), code=args.get("code"),
                                    details=args.get("details"))
            except GraphError as error:
                raise StepFailure("the status to be set", error.details or error.title) \
                    from None
            return Outcome(message_id=message)
        response = self.call("POST", f"/_sim/messages/{quote(message, safe='')}/status", body)
        return Outcome(response=response, message_id=message)

    def do_settings(self, args: dict[str, Any]) -> Outcome:
        return Outcome(response=self.call("POST", "/_sim/settings", args))

    def do_webhook(self, args: dict[str, Any]) -> Outcome:
        return Outcome(response=self.call("POST", "/_sim/webhook", args))

    def do_receiver(self, args: dict[str, Any]) -> Outcome:
        if self.options.app_url is not None:
            raise StepFailure("the built-in receiver", "webhooks go to the app under test")
        status = args["status"]
        self.receiver.status = {"up": 200, "down": 500}.get(status, status)
        return Outcome()

    def do_redeliver(self, args: Any) -> Outcome:
        ref = quote(str(args), safe="")
        return Outcome(response=self.call("POST", f"/_sim/deliveries/{ref}/redeliver"))

    def do_wait(self, args: Any) -> Outcome:
        time.sleep(parse_duration(args).total_seconds())
        return Outcome()

    def do_expect_sent(self, args: dict[str, Any]) -> Outcome:
        within = args.get("within", DEFAULT_WITHIN)
        simulated = isinstance(within, dict) and "simulated" in within
        if isinstance(within, dict):
            limit = parse_duration(
                str(within.get("simulated", within.get("real", DEFAULT_WITHIN))))
            tick = parse_duration(str(within.get("step", "1m")))
        else:
            limit = parse_duration(within)
            tick = limit
        deadline = time.monotonic() + (DEFAULT_WITHIN if simulated else limit.total_seconds())
        moved = parse_duration(0)
        while True:
            found = self.find_sent(args)
            if found is not None:
                self.claimed.add(found["id"])
                return Outcome(message_id=found["id"], who=found["to"], saved=found)
            if simulated and moved < limit:
                self.sim.advance(tick)
                moved += tick
                wiring.flush(self.engine)
                continue
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL_SECONDS)
        bound = f"{limit} simulated" if simulated else f"{limit.total_seconds():g}s"
        sent = [m for m in self.sim.sent if m.id not in self.claimed]
        seen = "; ".join(f"{m.type} to {m.to}: {show(self.text_of(m.body))}"
                         for m in sent[-3:]) or "nothing"
        raise StepFailure(f"the app sends {show({k: v for k, v in args.items() if k != 'within'})}"
                          f" within {bound}", f"it sent {seen}")

    @staticmethod
    def text_of(body: dict[str, Any]) -> Any:
        kind = body.get("type")
        content = body.get(kind) if isinstance(kind, str) else None
        if isinstance(content, dict):
            return content.get("body") or content.get("name") or content.get("caption") \
                or content
        return content

    def find_sent(self, args: dict[str, Any]) -> dict[str, Any] | None:
        for message in list(self.sim.sent):
            if message.id in self.claimed:
                continue
            if "to" in args and message.to != self.wa_id(args["to"]):
                continue
            if "type" in args and message.type != args["type"]:
                continue
            if "template" in args and message.template_name != args["template"]:
                continue
            if "text" in args:
                text = self.text_of(message.body)
                if not isinstance(text, str) or not matches(args["text"], text):
                    continue
            return message.to_dict()
        return None

    # --- expectations --------------------------------------------------------------

    def check(self, step: Step, expect: dict[str, Any], outcome: Outcome,
              webhooks_from: int) -> None:
        response = outcome.response
        if step.action != "expect" and "message" in expect:
            outcome.message_id = str(expect["message"])
        elif step.action == "expect" and "message" in expect:
            outcome = Outcome(message_id=str(expect["message"]))
        wants_error = "http" in expect or "error" in expect
        if response is not None and response.status_code >= 400 and not wants_error:
            raise StepFailure("HTTP 200", _describe_response(response))
        for key, value in expect.items():
            line = step.marks.get(key, (step.line, 0))[0]
            try:
                getattr(self, f"expect_{key}")(value, outcome, step, webhooks_from)
            except StepFailure as failure:
                failure.line = line
                raise
        if (step.action in ("send", "graph") and outcome.message_id is not None
                and "error" not in expect and "status" not in expect
                and "statuses" not in expect):
            record = self.record(outcome.message_id)
            if record is not None and record["status"] == "failed":
                raise StepFailure("the message not to fail",
                                  f"it failed with {self.failure_text(record)}")

    def record(self, message_id: str | None) -> dict[str, Any] | None:
        if message_id is None or message_id not in self.sim.world.messages:
            return None
        return self.sim.world.messages[message_id].to_dict()

    def need_record(self, outcome: Outcome, what: str) -> dict[str, Any]:
        record = self.record(outcome.message_id)
        if record is None:
            happened = (f"no message {outcome.message_id} was recorded" if outcome.message_id
                        else "the step sent no message (give 'message:' to check one)")
            if outcome.response is not None and outcome.response.status_code >= 400:
                happened = _describe_response(outcome.response)
            raise StepFailure(what, happened)
        return record

    @staticmethod
    def failure_text(record: dict[str, Any]) -> str:
        error = record.get("error") or {}
        details = (error.get("error_data") or {}).get("details", "")
        return f"error {error.get('code')} {error.get('title', '')}".rstrip() + (
            f": {details}" if details else "")

    def expect_message(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        self.need_record(outcome, f"message {value} to exist")

    def expect_http(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        response = outcome.response
        if response is None:
            raise StepFailure(f"an HTTP answer {show(value)}", "this step makes no HTTP call")
        expected = value if isinstance(value, dict) else {"status": value}
        error = _error_of(response)
        actual = {"status": response.status_code, "code": error.get("code"),
                  "subcode": error.get("error_subcode"), "message": error.get("message"),
                  "details": (error.get("error_data") or {}).get("details")}
        if not matches(expected, actual):
            raise StepFailure(_http_text(expected), _describe_response(response))

    def expect_status(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        record = self.need_record(outcome, f"status {value}")
        reached = [s["status"] for s in record["statuses"]]
        if value not in reached and not (value == "accepted" and not reached):
            extra = f" ({self.failure_text(record)})" if record["status"] == "failed" else ""
            raise StepFailure(f"status {value}",
                              f"statuses {', '.join(reached) or 'none yet'}{extra}")

    def expect_statuses(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        record = self.need_record(outcome, f"statuses {', '.join(value)}")
        reached = [s["status"] for s in record["statuses"]]
        if reached != value:
            raise StepFailure(f"statuses {', '.join(value)}",
                              f"statuses {', '.join(reached) or 'none yet'}")

    def expect_error(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        spec = value if isinstance(value, dict) else {"code": value}
        channel = spec.get("channel")
        wanted = f"error {spec['code']}" + (f" ({channel})" if channel else "")
        response = outcome.response
        sync = _error_of(response) if response is not None and response.status_code >= 400 \
            else {}
        record = self.record(outcome.message_id)
        webhook = record.get("error") if record is not None else None
        found: list[tuple[str, dict[str, Any]]] = []
        if sync:
            found.append(("sync", sync))
        if webhook:
            found.append(("webhook", webhook))
        for where, error in found:
            if channel not in (None, where):
                continue
            actual = {"code": error.get("code"), "title": error.get("title"),
                      "message": error.get("message"),
                      "details": (error.get("error_data") or {}).get("details")}
            if matches({k: v for k, v in spec.items() if k != "channel"}, actual):
                return
        if found:
            happened = "; ".join(
                f"{where} error {e.get('code')} {e.get('title') or e.get('message')}"
                for where, e in found)
        elif record is not None:
            happened = f"no error: statuses {', '.join(s['status'] for s in record['statuses'])}"
        else:
            happened = _describe_response(response) if response is not None else "no error"
        raise StepFailure(wanted, happened)

    def expect_pricing(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        record = self.need_record(outcome, f"pricing {show(value)}")
        priced = [s["pricing"] for s in record["statuses"] if s.get("pricing")]
        actual = priced[-1] if priced else None
        if actual is None or not matches(value, actual):
            reached = ", ".join(s["status"] for s in record["statuses"]) or "none"
            raise StepFailure(f"pricing {show(value)}",
                              f"pricing {show(actual)}" if actual else
                              f"no pricing (statuses {reached})")

    def expect_record(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        record = self.need_record(outcome, f"message {show(value)}")
        if not matches(value, record):
            shown = {k: record.get(k) for k in value}
            raise StepFailure(f"message {show(value)}", f"message {show(shown)}")

    def expect_response(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        response = outcome.response
        if response is None:
            raise StepFailure(f"response {show(value)}", "this step makes no HTTP call")
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if not matches(value, body):
            raise StepFailure(f"response {show(value)}", f"response {show(body)}")

    def expect_webhooks(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        start = 0 if step.action == "expect" else since
        emitted = [summarize(w) for w in list(self.sim.webhooks)[start:]]
        scope = "in total" if step.action == "expect" else "during this step"
        brief = ", ".join(_webhook_text(s) for s in emitted) or "none"
        if isinstance(value, int):
            if len(emitted) != value:
                raise StepFailure(f"{value} webhook(s) {scope}",
                                  f"{len(emitted)} webhook(s): {brief}")
            return
        if len(emitted) != len(value) or not all(
                matches(e, a) for e, a in zip(value, emitted, strict=False)):
            raise StepFailure(f"webhooks {show(value)} {scope}",
                              f"{len(emitted)} webhook(s): {brief}")

    def expect_window(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        wanted = value if isinstance(value, dict) else {outcome.who: value}
        for who, state in wanted.items():
            if who is None:
                raise StepFailure(f"window {state}",
                                  "this step has no customer; write window: {ana: open}")
            wa_id = self.wa_id(who)
            window = self.control("GET", f"/windows/{quote(wa_id, safe='')}").json()
            expected = {"open": state == "open"} if isinstance(state, str) else state
            if not matches(expected, window):
                actual = "open" if window.get("open") else "closed"
                closes = window.get("closes_at")
                raise StepFailure(f"window with {who} {show(state)}",
                                  f"window {actual}" + (f" (closes at {closes})" if closes and
                                                        window.get("open") else
                                                        (f" (closed at {closes})" if closes
                                                         else " (never opened)")))

    def expect_template(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        ref = value.get("name", outcome.template)
        language = value.get("language", outcome.language)
        query = f"?language={quote(str(language))}" if language else ""
        response = self.call("GET", f"/_sim/templates/{quote(str(ref), safe='')}{query}")
        if response.status_code >= 400:
            raise StepFailure(f"template {ref} {show(value)}", _describe_response(response))
        body = response.json()
        if not matches(value, body):
            shown = {k: body.get(k) for k in value} if isinstance(body, dict) else body
            raise StepFailure(f"template {ref} {show(value)}", f"template {ref} {show(shown)}")

    def expect_messages(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        query = {k: (self.wa_id(v) if k == "to" else v) for k, v in value.items()
                 if k in ("to", "status", "type")}
        found = self.control("GET", "/messages" + (
            "?" + "&".join(f"{k}={quote(str(v))}" for k, v in query.items()) if query else ""
        )).json()["data"]
        count = value.get("count")
        if count is not None and len(found) != count:
            raise StepFailure(f"{count} message(s) {show(query)}",
                              f"{len(found)} message(s)")

    def expect_received(self, value: Any, outcome: Outcome, step: Step, since: int) -> None:
        wiring.flush(self.engine)
        accepted = len(self.receiver.accepted)
        if accepted != value:
            raise StepFailure(f"the receiver accepted {value} webhook(s)",
                              f"it accepted {accepted} of {self.receiver.attempts} attempt(s)")


def _http_text(expected: dict[str, Any]) -> str:
    parts = [f"HTTP {expected.get('status', 'any')}"]
    if "code" in expected:
        parts.append(f"with error {expected['code']}")
    for key in ("subcode", "message", "details"):
        if key in expected:
            parts.append(f"{key} {expected[key]}")
    return " ".join(parts)


def _webhook_text(summary: dict[str, Any]) -> str:
    if summary.get("kind") == "status":
        error = f" {summary['error']}" if summary.get("error") else ""
        return f"status {summary.get('status')}{error}"
    if summary.get("kind") == "message":
        return f"message {summary.get('type')} from {summary.get('from')}"
    return str(summary.get("event") or summary.get("field"))

