"""A forgotten member's strings leave a post's decoded reply, whole words only, and the
payload stays a reply that decodes."""

from __future__ import annotations

from bot.markdown import escape, link, mention
from bot.outbox.redaction import FORMER_MEMBER, REMOVED, Redactor, replacements
from bot.replies import Action, Field, Image, Reply, decode, encode

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8


def _redactor() -> Redactor:
    return Redactor(replacements(["https://ada.dev/evals", "my *secret* note"], ["Ada_L"], ["U42"]))


def test_names_mentions_links_and_notes_are_replaced_as_posts_write_them() -> None:
    summary = Reply(
        title="Submissions from Ada_L",
        body=f"{escape('Ada_L')} ({mention('U42')}) sent {link('evals', 'https://ada.dev/evals')}",
        fields=(Field(escape("Ada_L"), escape("my *secret* note")),),
        items=(f"{escape('Ada_L')}: {escape('my *secret* note')}",),
        actions=(Action("Review Ada_L", "review Ada_L"),),
    )

    redacted = decode(_redactor().payload(encode(summary)) or "")

    text = str(redacted)
    for gone in ("Ada", "U42", "ada.dev", "secret"):
        assert gone not in text
    assert redacted.body == f"{FORMER_MEMBER} ({FORMER_MEMBER}) sent [evals]({REMOVED})"
    assert redacted.fields == (Field(FORMER_MEMBER, REMOVED),)


def test_a_string_inside_a_longer_word_is_left_alone() -> None:
    redactor = Redactor(replacements([], ["Al"], []))
    assert redactor.text("Al wrote. Also Alan, and Al.") == (
        f"{FORMER_MEMBER} wrote. Also Alan, and {FORMER_MEMBER}."
    )


def test_a_payload_without_the_strings_is_unchanged() -> None:
    assert _redactor().payload(encode(Reply(title="Digest", body="Readings"))) is None


def test_a_picture_described_with_the_members_name_is_left_out() -> None:
    card = Reply(title="Card", image=Image("card.png", PNG, "Ada_L's progress"))
    other = Reply(title="Card", image=Image("week.png", PNG, "The week"), body="Ada_L")

    assert decode(_redactor().payload(encode(card)) or "").image is None
    kept = decode(_redactor().payload(encode(other)) or "")
    assert kept.image == other.image
