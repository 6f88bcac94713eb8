"""PNG cards to Slack through the files upload v2 flow, for replies and the outbox alike."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import Block
from bot.replies import Image

_TITLE_LIMIT = 250
_ALT_LIMIT = 1000


async def upload_image(
    client: AsyncWebClient,
    channel_id: str,
    image: Image,
    *,
    filename: str | None = None,
    blocks: list[Block] | None = None,
) -> str:
    """Share `image` in a conversation, with `blocks` as the message it comes with (Slack
    shows them together); returns the file id. files_upload_v2 asks for an upload URL, sends
    the bytes there, then completes the upload into the conversation."""
    # files_upload_v2 hands unknown arguments on to files.completeUploadExternal.
    extra: dict[str, Any] = {"blocks": json.dumps(blocks)} if blocks else {}
    response = await client.files_upload_v2(
        channel=channel_id,
        file=image.data,
        filename=filename or image.filename,
        title=image.alt[:_TITLE_LIMIT] or image.filename,
        alt_txt=image.alt[:_ALT_LIMIT],
        **extra,
    )
    uploaded = response.get("file") or {}
    return str(uploaded.get("id", ""))
