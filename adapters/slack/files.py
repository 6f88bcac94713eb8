"""Files to Slack through the files upload v2 flow (PNG cards, data exports), for replies and
the outbox alike."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import Block
from bot.replies import Attachment, Image

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
    shows them together); returns the file id."""
    return await _upload(
        client,
        channel_id,
        image.data,
        filename or image.filename,
        title=image.alt[:_TITLE_LIMIT] or image.filename,
        extra={"alt_txt": image.alt[:_ALT_LIMIT]},
        blocks=blocks,
    )


async def upload_attachment(client: AsyncWebClient, channel_id: str, attachment: Attachment) -> str:
    """Share a file such as a data export in a conversation; returns the file id."""
    return await _upload(
        client, channel_id, attachment.data, attachment.filename, title=attachment.filename
    )


async def _upload(
    client: AsyncWebClient,
    channel_id: str,
    data: bytes,
    filename: str,
    *,
    title: str,
    extra: dict[str, Any] | None = None,
    blocks: list[Block] | None = None,
) -> str:
    """files_upload_v2 asks for an upload URL, sends the bytes there, then completes the
    upload into the conversation."""
    # files_upload_v2 hands unknown arguments on to files.completeUploadExternal.
    arguments: dict[str, Any] = dict(extra or {})
    if blocks:
        arguments["blocks"] = json.dumps(blocks)
    response = await client.files_upload_v2(
        channel=channel_id, file=data, filename=filename, title=title, **arguments
    )
    uploaded = response.get("file") or {}
    return str(uploaded.get("id", ""))
