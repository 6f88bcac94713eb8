"""Helpers shared by tests: callers in a test community, and reading replies as text."""

from __future__ import annotations

from bot.identity import Caller, CommunityRef, MemberRef, Platform
from bot.markdown import plain
from bot.replies import Answer, Form, Reply

COMMUNITY = CommunityRef(Platform.CONSOLE, "test")


def caller(
    user: str = "ada", *, admin: bool = False, community: CommunityRef = COMMUNITY
) -> Caller:
    return Caller(MemberRef(community, user), display_name=user, is_platform_admin=admin)


def text_of(answer: Answer) -> str:
    """Everything a reply says, as plain text, for assertions about wording."""
    if isinstance(answer, Form):
        return " ".join([answer.title, answer.intro, *(f.label for f in answer.fields)])
    parts = [answer.title or "", answer.body, *answer.items]
    parts.extend(f"{f.name}: {f.value}" for f in answer.fields)
    return plain("\n".join(parts))


def reply(answer: Answer) -> Reply:
    assert isinstance(answer, Reply), f"expected a Reply, got {answer!r}"
    return answer
