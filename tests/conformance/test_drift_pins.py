"""The drift pin store, on SQLite and PostgreSQL: what an admin pins survives a restart and is shared."""

from __future__ import annotations

import asyncio

from service.drift import DriftMonitor
from service.drift_pins import PinSync, open_pin_store, sync_pins
from service.settings import Settings


async def test_pins_are_set_replaced_and_deleted_and_seen_by_another_process(any_settings: Settings) -> None:
    async with open_pin_store(any_settings) as one, open_pin_store(any_settings) as two:
        assert await one.list_pins() == {}
        await one.set_pin("health", "fast-chat@v1", by="key_1")
        await one.set_pin("cyber", "coder@3", by=None)
        assert await two.list_pins() == {"health": "fast-chat@v1", "cyber": "coder@3"}
        await two.set_pin("health", "fast-chat@v2", by="key_2")  # one pin per domain: replaced
        await two.delete_pin("cyber")
        await two.delete_pin("finance")  # nothing to delete: no error
        assert await one.list_pins() == {"health": "fast-chat@v2"}
    async with open_pin_store(any_settings) as reopened:
        assert await reopened.list_pins() == {"health": "fast-chat@v2"}


async def test_a_configured_pin_is_stored_once_and_again_only_when_the_configuration_changes(
    any_settings: Settings,
) -> None:
    async with open_pin_store(any_settings) as pins:
        assert await pins.seed_default("health", "fast-chat@v1") is True
        assert await pins.list_pins() == {"health": "fast-chat@v1"}
        await pins.delete_pin("health")  # an admin unpinned it through the API
        assert await pins.seed_default("health", "fast-chat@v1") is False  # the same start-up configuration
        assert await pins.list_pins() == {}
        await pins.set_pin("health", "fast-chat@v3", by="key_1")
        assert await pins.seed_default("health", "fast-chat@v1") is False
        assert await pins.list_pins() == {"health": "fast-chat@v3"}
        assert await pins.seed_default("health", "fast-chat@v2") is True  # the configuration changed
        assert await pins.list_pins() == {"health": "fast-chat@v2"}


def test_sync_pins_makes_the_monitors_manual_pins_the_stored_ones() -> None:
    monitor = DriftMonitor()
    monitor.pin_baseline("finance", "fin@1")
    assert sync_pins(monitor, {"health": "fast-chat@v1", "finance": "fin@1"}) is True
    assert monitor.manual_pins() == {"health": "fast-chat@v1", "finance": "fin@1"}
    assert sync_pins(monitor, {"health": "fast-chat@v1", "finance": "fin@1"}) is False  # nothing changed
    assert sync_pins(monitor, {"health": "fast-chat@v2"}) is True
    assert monitor.manual_pins() == {"health": "fast-chat@v2"}


class SlowListing:
    """A pin store whose next ``list_pins`` answers what was stored when it was called, after ``release``."""

    def __init__(self) -> None:
        self.pins: dict[str, str] = {}
        self.listing = asyncio.Event()
        self.release = asyncio.Event()

    async def list_pins(self) -> dict[str, str]:
        snapshot = dict(self.pins)
        self.listing.set()
        await self.release.wait()
        return snapshot

    async def set_pin(self, domain: str, fast_model: str, by: str | None) -> None:
        self.pins[domain] = fast_model

    async def delete_pin(self, domain: str) -> None:
        self.pins.pop(domain, None)


async def test_a_sync_that_overlaps_a_pin_made_here_does_not_undo_it() -> None:
    monitor, store = DriftMonitor(), SlowListing()
    pins = PinSync(monitor, store)  # type: ignore[arg-type]
    syncing = asyncio.create_task(pins.sync())
    await store.listing.wait()  # the re-read has the old list (no pin) ...
    await pins.pin("health", "fast-chat@v1", by="key_1")  # ... when an admin pins through this process
    store.release.set()
    assert await syncing is False
    assert monitor.manual_pins() == {"health": "fast-chat@v1"}
    store.listing.clear()
    assert await pins.sync() is False  # the next re-read agrees with it
    assert monitor.manual_pins() == {"health": "fast-chat@v1"}
