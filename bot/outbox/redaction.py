"""Taking a forgotten member's strings out of posts still queued or kept, in the decoded reply
(never in the JSON text, which must stay valid), with neutral words in their place."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping

from bot.markdown import escape, mention
from bot.replies import Action, Field, Reply, decode, encode

FORMER_MEMBER = "a former member"
REMOVED = "[removed]"


def replacements(
    strings: Iterable[str], names: Iterable[str], user_ids: Iterable[str]
) -> dict[str, str]:
    """What each string becomes, as typed and as a post writes it (escaped): the member's
    names and mentions become "a former member", anything else of theirs (links, notes)
    "[removed]"."""
    found: dict[str, str] = {}
    for text in strings:
        for form in (text, escape(text)):
            found.setdefault(form, REMOVED)
    for name in names:
        for form in (name, escape(name)):
            found[form] = FORMER_MEMBER
    for user_id in user_ids:
        found[mention(user_id)] = FORMER_MEMBER
        found[f"<@!{escape(user_id)}>"] = FORMER_MEMBER
    return {k: v for k, v in found.items() if k.strip()}


def _whole(text: str) -> str:
    """A pattern for `text` where it is not part of a longer word (a member called "Al" is
    no reason to touch "Also")."""
    start = r"(?<!\w)" if re.match(r"\w", text[0]) else ""
    end = r"(?!\w)" if re.match(r"\w", text[-1]) else ""
    return start + re.escape(text) + end


class Redactor:
    """Replaces a fixed set of strings in replies, each where it is not part of a longer word:
    the longest first, so a string that holds another is replaced whole."""

    def __init__(self, replacing: Mapping[str, str]) -> None:
        self._replacing = dict(replacing)
        ordered = sorted(self._replacing, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(_whole, ordered))) if ordered else None

    def text(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._replacing[m.group(0)], text)

    def reply(self, reply: Reply) -> Reply:
        """The reply without the strings. A picture whose description named one of them is
        left out: its pixels may show it too, and they cannot be redacted."""
        image = reply.image
        if image is not None and self.text(image.alt) != image.alt:
            image = None
        attachment = reply.attachment
        if attachment is not None:
            attachment = dataclasses.replace(attachment, filename=self.text(attachment.filename))
        return dataclasses.replace(
            reply,
            title=self.text(reply.title) if reply.title is not None else None,
            body=self.text(reply.body),
            fields=tuple(
                Field(self.text(f.name), self.text(f.value), f.inline) for f in reply.fields
            ),
            items=tuple(self.text(i) for i in reply.items),
            actions=tuple(
                Action(self.text(a.label), self.text(a.command), a.style) for a in reply.actions
            ),
            image=image,
            attachment=attachment,
        )

    def payload(self, payload: str) -> str | None:
        """An encoded reply without the strings; None when it held none of them."""
        before = decode(payload)
        after = self.reply(before)
        return None if after == before else encode(after)
