"""The console's outbox sender: prints each post with where it would have gone."""

from __future__ import annotations

from typing import TextIO

from adapters.console import render
from adapters.console.files import Shelf
from bot.identity import Platform
from bot.outbox import Delivered, Message, TargetKind


class ConsoleSender:
    platform = Platform.CONSOLE
    global_per_second = 0.0
    channel_interval = 0.0

    def __init__(self, out: TextIO, shelf: Shelf) -> None:
        self._out = out
        self._shelf = shelf

    async def deliver(self, message: Message) -> Delivered:
        target = message.target
        if target.kind is TargetKind.CHANNEL:
            where = f"#{target.channel_id}"
        elif target.kind is TargetKind.DIRECT:
            where = f"DM to {target.user_ids[0]}"
        else:
            where = "group " + ", ".join(target.user_ids)
        self._out.write(
            f"--- post to {where} ---\n{render.reply(message.reply, self._shelf)}\n---\n"
        )
        self._out.flush()
        return Delivered(f"console-{message.id}")
