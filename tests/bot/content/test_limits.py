"""The platform limits every reply is checked against."""

from __future__ import annotations

import pytest

from bot.content.limits import fits
from bot.replies import Action, Field, Reply


def test_a_small_reply_fits() -> None:
    reply = Reply(
        title="Title",
        body="Body",
        items=("one", "two"),
        fields=(Field("Name", "Value"),),
        actions=(Action("Go", "roadmap"),),
    )
    assert fits(reply) == []


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (Reply(title="t" * 151), "the title has 151 characters; the limit is 150"),
        (Reply(body="b" * 3001), "the body has 3,001 characters; the limit is 3,000"),
        (Reply(items=("i" * 2999,)), "the list has 3,001 characters; the limit is 3,000"),
        (
            Reply(body="b" * 2000, items=("i" * 2500,)),
            "the body and list together has 4,503 characters; the limit is 4,096",
        ),
        (
            Reply(fields=tuple(Field(f"f{n}", "v" * 1000) for n in range(7))),
            "the reply has 7,014 characters; the limit is 6,000",
        ),
        (
            Reply(fields=tuple(Field(str(n), "v") for n in range(26))),
            "the reply has 26 fields; the limit is 25",
        ),
        (
            Reply(items=tuple("i" for _ in range(41))),
            "the reply has 41 list items; the limit is 40",
        ),
        (
            Reply(actions=tuple(Action(str(n), "roadmap") for n in range(6))),
            "the reply has 6 buttons; the limit is 5",
        ),
        (
            Reply(fields=(Field("n" * 257, "v"),)),
            f"the name of field {'n' * 40!r} has 257 characters; the limit is 256",
        ),
        (
            Reply(fields=(Field("Name", "v" * 1025),)),
            "the field 'Name' has 1,025 characters; the limit is 1,024",
        ),
        (
            Reply(actions=(Action("a" * 76, "roadmap"),)),
            f"the button {'a' * 40!r} has 76 characters; the limit is 75",
        ),
    ],
)
def test_each_limit_is_reported_with_the_size_and_the_limit(reply: Reply, problem: str) -> None:
    assert problem in fits(reply)
