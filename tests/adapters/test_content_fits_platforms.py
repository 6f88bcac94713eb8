"""Every roadmap view and every challenge post of the built-in pack, rendered by the real
Discord and Slack renderers, fits those platforms' limits whole (nothing truncated)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.discord import render as discord_render
from adapters.slack import render as slack_render
from bot.app import Cohort
from bot.challenges.messages import announcement
from bot.content.loader import default_content_dir, load_pack
from bot.content.model import Challenge
from bot.replies import Reply
from tests.support import caller, reply

PACK = load_pack(default_content_dir())


def _lines() -> list[str]:
    lines = ["roadmap", "certifications", "projects", "specializations", "resources"]
    lines += [f"roadmap phase:{p.number}" for p in PACK.phases]
    lines += [f"roadmap step:{s.number}" for s in PACK.steps]
    lines += [f"roadmap month:{m}" for m in range(1, 25)]
    lines += [f"resources phase:{p.number}" for p in PACK.phases]
    lines += [f"resources topic:{t.id}" for t in PACK.topics]
    lines += [f"projects level:{level}" for level in ("beginner", "intermediate", "advanced")]
    lines += [f"specializations industry:{s.id}" for s in PACK.specializations]
    return lines


def _check_discord(answer: Reply) -> None:
    for outgoing in discord_render.reply(answer):
        assert len(outgoing.embeds) <= 10
        total = 0
        for embed in outgoing.embeds:
            assert len(embed.title or "") <= 256
            assert len(embed.description or "") <= 4096
            assert len(embed.fields) <= 25
            for field in embed.fields:
                assert len(field.name or "") <= 256
                assert len(field.value or "") <= 1024
            total += len(embed)
            assert "truncated" not in (embed.description or "")
        assert total <= 6000


def _check_slack(answer: Reply) -> None:
    message = slack_render.message(answer)
    assert len(message.blocks) <= 50
    for block in message.blocks:
        texts: list[dict[str, Any]] = []
        if isinstance(block.get("text"), dict):
            texts.append(block["text"])
        texts.extend(block.get("fields", []))
        texts.extend(e for e in block.get("elements", []) if isinstance(e, dict) and "text" in e)
        for text in texts:
            limit = 150 if block["type"] == "header" else 3000
            value = text["text"] if isinstance(text["text"], str) else ""
            assert len(value) <= limit, block
            assert "truncated" not in value


async def test_every_roadmap_view_fits_discord_and_slack(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller(), "join start:2026-01-05")
    for line in _lines():
        answer = reply(await cohort.dispatcher.run_line(caller(), line))
        assert answer.tone.value != "error", (line, answer.body)
        _check_discord(answer)
        _check_slack(answer)


@pytest.mark.parametrize("challenge", PACK.challenges, ids=lambda c: c.id)
def test_every_challenge_post_fits_discord_and_slack(challenge: Challenge) -> None:
    post = announcement(challenge, datetime(2026, 12, 7, 9, tzinfo=UTC), late=True, zone="UTC")
    _check_discord(post)
    _check_slack(post)
