"""Contacts and windows for ``wasim serve --data``: rows of their own, written when they
change (:mod:`wasim.serve.store`).

A server's customers only grow (a load that writes to new numbers adds a contact and often
a window each), so the store does not write them with the rest of the state at every flush:
each contact is a row of ``contacts`` and each window one of ``windows``, written when made
or changed. It learns what changed from the world itself: every contact made or changed
(``Contact`` tells :data:`~wasim.world.models.CONTACT_WATCHERS`) and every window opened
(``World.open_window`` tells :data:`~wasim.world.state.WINDOW_WATCHERS`). Rows are updated
in place, so reading them in row order gives the world's order back.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from wasim.serve.rows import insert_many
from wasim.world.models import CONTACT_WATCHERS, Contact
from wasim.world.state import WINDOW_WATCHERS, World

SCHEMA = """
CREATE TABLE IF NOT EXISTS contacts (seq INTEGER PRIMARY KEY, waba_id TEXT NOT NULL,
                                     wa_id TEXT NOT NULL, data TEXT NOT NULL,
                                     UNIQUE (waba_id, wa_id));
CREATE TABLE IF NOT EXISTS windows (seq INTEGER PRIMARY KEY, phone_number_id TEXT NOT NULL,
                                    wa_id TEXT NOT NULL, at TEXT NOT NULL,
                                    UNIQUE (phone_number_id, wa_id));
"""
TABLES = ("contacts", "windows")

ContactRow = tuple[str, str, Contact]
WindowRow = tuple[str, str, datetime]


class People:
    """What of the contacts and windows changed since the last flush."""

    def __init__(self) -> None:
        self._contacts: dict[int, Contact] = {}
        self._windows: dict[tuple[str, str], None] = {}
        self._whole = True

    def watch(self) -> None:
        CONTACT_WATCHERS.append(self._contacts)
        WINDOW_WATCHERS.append(self._windows)

    def unwatch(self) -> None:
        for watchers, mine in ((CONTACT_WATCHERS, self._contacts),
                               (WINDOW_WATCHERS, self._windows)):
            for index, seen in enumerate(watchers):
                if seen is mine:
                    del watchers[index]
                    break

    def rewrite(self) -> None:
        """Write every contact and window at the next :meth:`take` (a new file, a reset)."""
        self._whole = True

    def take(self, world: World) -> tuple[list[ContactRow], list[WindowRow]]:
        """The contacts and windows to write (under the simulator's lock)."""
        touched = list(self._contacts.values())
        opened = list(self._windows)
        self._contacts.clear()
        self._windows.clear()
        if self._whole:
            self._whole = False
            return ([(account.waba_id, wa_id, contact)
                     for account in world.accounts.values()
                     for wa_id, contact in account.contacts.items()],
                    [(p, w, at) for (p, w), at in world.windows.items()])
        contacts = []
        for contact in touched:
            for account in world.accounts.values():
                if account.contacts.get(contact.wa_id) is contact:
                    contacts.append((account.waba_id, contact.wa_id, contact))
        windows = [(key[0], key[1], world.windows[key]) for key in opened
                   if key in world.windows]
        return contacts, windows


def without_people(world: World) -> dict[str, Any]:
    """The world's export form without messages, inbound messages, contacts and windows
    (each written as rows of their own)."""
    accounts = {waba_id: dataclasses.replace(account, contacts={})
                for waba_id, account in world.accounts.items()}
    shallow = dataclasses.replace(world, accounts=accounts, messages={}, inbound=[],
                                  windows={})
    return shallow.to_dict()


def write(db: sqlite3.Connection, contacts: list[ContactRow], windows: list[WindowRow],
          dumps: Callable[[Any], str]) -> int:
    """Write the rows (a row already there is updated in place: it keeps its order)."""
    insert_many(db, "INSERT INTO contacts (waba_id, wa_id, data) VALUES",
                [(waba_id, wa_id, dumps(c.to_dict())) for waba_id, wa_id, c in contacts],
                "ON CONFLICT (waba_id, wa_id) DO UPDATE SET data = excluded.data")
    insert_many(db, "INSERT INTO windows (phone_number_id, wa_id, at) VALUES",
                [(p, w, at.isoformat()) for p, w, at in windows],
                "ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET at = excluded.at")
    return len(contacts) + len(windows)


def read(db: sqlite3.Connection, world: dict[str, Any]) -> None:
    """Put the stored contacts and windows into ``world`` (a world export form; a file
    from before they were rows keeps them in the state itself)."""
    by_account: dict[str, list[Any]] = {}
    for waba_id, data in db.execute("SELECT waba_id, data FROM contacts ORDER BY seq"):
        by_account.setdefault(waba_id, []).append(json.loads(data))
    for account in world.get("accounts", []):
        if account["waba_id"] in by_account:
            account["contacts"] = by_account[account["waba_id"]]
    windows = [{"phone_number_id": p, "wa_id": w, "last_inbound": at} for p, w, at in
               db.execute("SELECT phone_number_id, wa_id, at FROM windows ORDER BY seq")]
    if windows:
        world["windows"] = windows
