"""The inbox page in a real browser: what a person sees and does, updated live."""

from __future__ import annotations

import threading
from typing import Any

import httpx
from wasim.serve.server import ThreadedServer
from wasim.simulation import Simulator

from tests.conftest import ANA, TOKEN


def graph_send(server: ThreadedServer, sim: Simulator, body: str) -> str:
    answer = httpx.post(f"{server.url}/v23.0/{sim.phone_number_id}/messages",
                        headers={"Authorization": f"Bearer {TOKEN}"},
                        json={"messaging_product": "whatsapp", "to": ANA, "type": "text",
                              "text": {"body": body}})
    assert answer.status_code == 200
    return str(answer.json()["messages"][0]["id"])


def open_thread(page: Any, server: ThreadedServer, expect: Any) -> None:
    page.goto(f"{server.url}/")
    page.get_by_role("link", name="Ana Souza").click()
    expect(page.get_by_role("form", name="Be the customer")).to_be_visible()


def test_a_message_typed_in_the_composer_appears_and_opens_the_window(
        page: Any, expect: Any, server: ThreadedServer, world: Simulator) -> None:
    open_thread(page, server, expect)
    head = page.locator(".thread-head .window")
    expect(head).to_have_attribute("data-window", "closed")
    box = page.get_by_label("Message as Ana Souza")
    box.fill("Where is my parcel?")
    box.press("Enter")
    bubble = page.locator(".bubble.in").filter(has_text="Where is my parcel?")
    expect(bubble).to_be_visible()
    expect(head).to_have_attribute("data-window", "open")
    expect(head).to_contain_text("24h 0m left")
    assert world.received[-1].message["text"]["body"] == "Where is my parcel?"


def test_a_graph_send_shows_a_bubble_whose_ticks_become_delivered_live(
        page: Any, expect: Any, server: ThreadedServer, world: Simulator) -> None:
    world.update_settings({"delivered_after": 60})
    world.inbound(ANA, text="hi")
    open_thread(page, server, expect)
    wamid = graph_send(server, world, "On its way!")
    ticks = page.locator(f'.bubble[data-id="{wamid}"] .ticks')
    expect(ticks).to_have_attribute("data-status", "sent")
    expect(ticks).to_have_attribute("aria-label", "status: sent")
    world.advance("2m")  # the test's side: no click, no reload
    expect(ticks).to_have_attribute("data-status", "delivered")
    expect(page.locator(f'.bubble[data-id="{wamid}"] .price')).to_have_text("service · free")


def test_advancing_25h_closes_the_window_and_the_next_send_fails_with_131047(
        page: Any, expect: Any, server: ThreadedServer, world: Simulator) -> None:
    world.inbound(ANA, text="hi")
    page.goto(f"{server.url}/#/clock")
    page.get_by_role("button", name="+25h").click()
    expect(page.locator("#clock-now")).to_contain_text("2026-01-06 10:00")
    page.get_by_role("link", name="Conversations").click()
    expect(page.locator('[data-wa-id="16505551234"] .window')).to_have_attribute(
        "data-window", "closed")
    page.get_by_role("link", name="Ana Souza").click()
    wamid = graph_send(server, world, "Still there?")
    bubble = page.locator(f'.bubble[data-id="{wamid}"]')
    expect(bubble.locator(".ticks")).to_have_attribute("data-status", "failed")
    failure = bubble.locator(".failure")
    expect(failure).to_contain_text("131047 Re-engagement message")
    expect(failure).to_contain_text("more than 24 hours have passed")
    expect(failure.locator(".rule")).to_contain_text("§1.3")


def test_templates_created_in_the_form_and_approved_change_status_live(
        page: Any, expect: Any, server: ThreadedServer, world: Simulator) -> None:
    page.goto(f"{server.url}/#/templates")
    form = page.get_by_role("form", name="Create a template")
    form.get_by_label("Name").fill("parcel_note")
    form.get_by_label("Body text").fill("Your parcel {{1}} is on its way.")
    form.get_by_label("Body examples").fill("A123")
    form.get_by_role("button", name="Create (goes to review)").click()
    created = page.locator('tr[data-template="parcel_note"] .st')
    expect(created).to_have_attribute("data-status", "PENDING")
    page.get_by_role("button", name="Approve parcel_note (en_US)").click()
    expect(created).to_have_attribute("data-status", "APPROVED")
    expect(page.locator('tr[data-template="parcel_note"] .decision')).not_to_have_text("—")
    # a verb called by a script shows up without a reload
    pending = page.locator('tr[data-template="new_feature"] .st')
    expect(pending).to_have_attribute("data-status", "PENDING")
    httpx.post(f"{server.url}/_sim/templates/new_feature/approve", json={})
    expect(pending).to_have_attribute("data-status", "APPROVED")


class Receiver:
    """A webhook receiver that fails until told to answer 200."""

    def __init__(self) -> None:
        self.healthy = threading.Event()
        self.posts: list[int] = []

    def __call__(self, headers: dict[str, str], body: bytes) -> int:
        status = 200 if self.healthy.is_set() else 500
        self.posts.append(status)
        return status


def test_a_failing_receiver_shows_retries_and_a_redeliver_works(
        page: Any, expect: Any, server: ThreadedServer, world: Simulator) -> None:
    receiver = Receiver()
    world.attach(receiver)
    page.goto(f"{server.url}/#/webhooks")
    world.inbound(ANA, text="hello")
    row = page.locator("tr[data-delivery]").first
    expect(row).to_have_attribute("data-state", "retrying")
    expect(row.locator(".attempts")).to_contain_text("500")
    # the first failure is retried at once (§5.3); the second waits a minute of the
    # simulated clock: only then can the receiver recover without that retry racing the
    # redelivery below
    expect(row.locator(".attempts")).to_have_attribute("data-attempts", "2")
    expect(row.locator("td").nth(3)).not_to_have_text("—")  # the next retry's time
    webhook = row.get_attribute("data-webhook")
    receiver.healthy.set()
    page.get_by_role("button", name=f"Redeliver webhook {webhook}").click()
    again = page.locator(f'tr[data-webhook="{webhook}"][data-state="delivered"]')
    expect(again).to_have_count(1)
    expect(again.locator(".attempts")).to_contain_text("200")
    assert receiver.posts[-1] == 200


def test_the_page_fits_390_px_and_works_by_keyboard(
        page: Any, expect: Any, server: ThreadedServer, world: Simulator) -> None:
    world.inbound(ANA, text="hi")
    page.set_viewport_size({"width": 390, "height": 800})
    for view in ("conversations", "conversations/16505551234", "templates", "webhooks",
                 "clock"):
        page.goto(f"{server.url}/#/{view}")
        page.locator("main h2:visible").first.wait_for()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{view} overflows: {width}px"
    page.goto(f"{server.url}/#/conversations/16505551234")
    box = page.get_by_label("Message as Ana Souza")
    box.focus()
    page.keyboard.type("typed by keyboard")
    page.keyboard.press("Enter")
    expect(page.locator(".bubble.in").filter(has_text="typed by keyboard")).to_be_visible()
    # the live re-render keeps the focus where the keyboard left it
    expect(page.locator("#compose-text")).to_be_focused()
    page.keyboard.press("Shift+Tab")  # back out of the form into the thread
    expect(page.get_by_role("list", name="Messages with Ana Souza")).to_be_focused()


def test_with_a_control_token_the_page_opened_with_it_works(
        browser: Any, expect: Any, world: Simulator) -> None:
    from wasim.api.guard import Policy

    world.inbound(ANA, text="token please")
    policy = Policy.serving("127.0.0.1", control_token="s3cret&x")
    with ThreadedServer(world, policy=policy) as guarded:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{guarded.url}/?control_token=s3cret%26x#/conversations/{ANA}")
        expect(page.locator(".bubble.in").filter(has_text="token please")).to_be_visible()
        page.get_by_label("Message as Ana Souza").fill("with the token")
        page.get_by_label("Message as Ana Souza").press("Enter")
        expect(page.locator(".bubble.in").filter(has_text="with the token")).to_be_visible()
        expect(page.locator("#live")).to_have_attribute("aria-label", "live updates: connected")
        page.goto(f"{guarded.url}/#/conversations/{ANA}")  # without it: refused, and said
        expect(page.locator("main")).to_contain_text("/?control_token=TOKEN")
        context.close()
