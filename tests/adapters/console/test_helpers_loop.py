"""The helpers' loop in `cohort console` on a terminal: helpers opt in, a member checks in and
picks what the blocker is about from the form's numbered suggestions, asks a helper from the
private offer, the introduction is posted, the helper declines, the member asks the next one,
and three days later says it helped, which credits that helper."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

Terminal = Callable[..., str]

BLOCKER = "rebase <@everyone> **loud** wrecked my git history"
HELPERS = [
    line
    for name in ("bob", "cy")
    for line in (f":as {name}", "/join timezone:Europe/Paris", "/done git-daily", "/helper on")
]
# The subject: 99 is refused, 3 (git-daily) is taken.
CHECKIN = ["/checkin", "two chapters", "3", "", BLOCKER, "99", "3", "", ""]
START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # a Wednesday


def _after(out: str, marker: str) -> str:
    assert marker in out, marker
    return out.split(marker, 1)[1]


def test_the_helpers_loop_from_the_check_in_form_to_a_credited_helper(
    run_in_terminal: Terminal,
) -> None:
    typed = [
        "/setup",
        "",  # Enter: the defaults, every post in #console
        *HELPERS,
        ":as ada",
        "/join timezone:Europe/Berlin",
        *CHECKIN,
        "/helper find",
        "/helper ask 1 1",
        ":as bob",
        "/helper decline 1",
        ":as ada",
        "/helper ask 1 2",
        ":advance 4d",
        "/helper helped 1 yes",
        ":as cy",
        "/profile",
        ":as bob",
        "/profile",
    ]
    clock = f"{START.isoformat()},{time.time()},1"
    out = run_in_terminal("\n".join(typed) + "\n", COHORT_TEST_CLOCK=clock)
    # The form asks what the blocker is about, with numbered suggestions of ada's phase.
    form = _after(out, "What is the blocker about? (optional, Enter to skip; leave empty")
    assert "  3. Use Git and GitHub every day" in form
    assert "  13. None of these: match my words\nNumber: " in form
    assert "error: give a number from 1 to 13." in form
    saved = _after(form, "== Checked in for 2026-W49 ==")
    assert "Next: /progress | /helper find" in saved
    # The private offer names the picked subject and both helpers, without re-link buttons.
    offer = _after(saved, "ada> == Members who've been there ==")
    assert "Linked to Use Git and GitHub every day." in offer
    assert "Next: /helper ask 1 1 | /helper ask 1 2\n" in offer
    # The introduction: posted to the two of them, the blocker literal, with resources.
    intro = _after(offer, "--- post to group ada, bob ---")
    shown = intro.split("\n---\n")[0]
    assert f"The blocker, in @ada's words: {BLOCKER}" in shown
    assert "Done when: Your exercises live in a public repo" in shown
    assert "- The Python Tutorial (https://docs.python.org/3/tutorial/)" in shown
    assert shown.endswith("Next: /helper decline 1")
    # bob declines: ada is told and asks cy; bob hears no more.
    declined = _after(intro, "bob> Noted: the member can ask someone else.")
    told = _after(declined, "--- post to DM to ada ---\n")
    assert told.startswith("bob can't help with your blocker this time. Ask someone else:")
    second = _after(told, "--- post to group ada, cy ---")
    assert "@bob" not in second.split("Clock is now")[0]
    # Four days later ada is asked whether it helped; yes credits cy.
    follow_up = _after(second, "--- post to DM to ada ---\n== Did it help? ==")
    assert "Next: /helper helped 1 yes | /helper helped 1 no" in follow_up
    assert "ada> Glad it helped! Your helper earns a credit for it." in follow_up
    cy_profile, bob_profile = _after(follow_up, "== Profile of cy ==").split("== Profile of bob")
    assert "Credits for helping: 1 (0 for reviews, 0 for matchups met, 1 for blockers helped)" in (
        cy_profile
    )
    assert "Credits for helping: 0 (" in bob_profile
