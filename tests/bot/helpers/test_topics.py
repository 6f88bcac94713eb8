"""Linking blocker text to milestones and topics: words, accents and case, ranking, bounded
input, determinism, and the built-in pack."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.loader import default_content_dir, load_pack
from bot.helpers.model import MAX_BLOCKER_TEXT
from bot.helpers.topics import MAX_WORDS, Kind, Link, Vocabulary, link, words

VOCABULARY = Vocabulary.of(
    [
        ("gradients", "Derivatives and gradient descent", 1),
        ("linear-models", "Linear and logistic regression", 2),
        ("trees-and-boosting", "Trees, forests and gradient boosting", 2),
        ("pandas-wrangling", "Clean and reshape data with pandas", 1),
        ("bias-variance", "Diagnose underfitting and overfitting", 2),
    ],
    [("rag", "Retrieval-augmented generation"), ("python", "Python")],
)


def ids(text: str) -> list[str]:
    return [s.id for s in VOCABULARY.suggest(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gradient DESCENT never converges", ["gradients", "trees-and-boosting"]),
        ("Régression LOGISTIQUE", ["linear-models"]),  # accents and case do not matter
        ("the network is overfitting badly", ["bias-variance"]),  # overfitting -> overfit
        ("Pandas: reshaping a dataframe", ["pandas-wrangling"]),
        ("RAG retrieval is slow", ["rag"]),
        ("I had no time this week", []),
        ("", []),
    ],
)
def test_text_is_linked_by_whole_words(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


def test_words_fold_accents_case_plurals_and_drop_common_words() -> None:
    assert words("The ÉLÈVES were Tuning naïve Embeddings; it's fine") == (
        "elev",
        "tun",
        "naiv",
        "embed",
        "fin",
    )


def test_a_word_inside_another_word_does_not_match() -> None:
    assert ids("dragon pythonic") == []


def test_more_of_an_entry_found_ranks_it_higher() -> None:
    found = VOCABULARY.suggest("gradient descent and gradient boosting trees")
    assert [s.id for s in found] == ["trees-and-boosting", "gradients"]
    assert found[0].score > found[1].score
    assert found[0].words == ("boost", "gradient", "tree")
    assert (found[0].kind, found[0].phase) == (Kind.MILESTONE, 2)


def test_only_the_first_words_of_a_long_text_are_read() -> None:
    filler = "lorem " * 300
    assert ids(filler + "python") == []
    assert ids("python " + filler) == ["python"]
    assert ids("x" * MAX_BLOCKER_TEXT + " python") == []


def test_a_huge_hostile_text_is_cut_before_it_is_read() -> None:
    hostile = ("b-" * 500_000) + ("\u0301" * 500_000) + "python"
    assert len(words(hostile)) == MAX_WORDS  # the first words only
    assert ids(hostile) == []
    accents = "\u0301" * 1_000_000 + "python"  # marks only: dropped, and cut before python
    assert words(accents) == ()


def test_link_takes_the_best_milestone_with_its_phase_and_two_topics() -> None:
    vocabulary = Vocabulary.of(
        [("m1", "Ship a rag python app", 3)],
        [("rag", "RAG"), ("python", "Python"), ("app", "App building")],
    )
    assert link(vocabulary.suggest("python app with rag")) == Link(("m1",), ("app", "python"), 3)
    assert link(()) == Link((), (), None)


def test_every_entry_of_the_builtin_pack_is_suggested_for_its_own_title() -> None:
    pack = load_pack(default_content_dir())
    vocabulary = Vocabulary.from_pack(pack)
    titles = [(m.id, m.title) for phase in pack.phases for m in phase.milestones]
    titles += [(t.id, t.title) for t in pack.topics]
    for id_, title in titles:
        assert id_ in [s.id for s in vocabulary.suggest(title, limit=3)], title


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=0, max_value=6))
def test_any_text_gives_at_most_limit_suggestions_ranked_and_repeatable(
    text: str, limit: int
) -> None:
    found = VOCABULARY.suggest(text, limit)
    assert len(found) <= limit
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert VOCABULARY.suggest(text, limit) == found
    assert VOCABULARY.suggest(text.upper(), limit) == VOCABULARY.suggest(text.lower(), limit) or (
        text.upper().lower() != text.lower()  # case folding is not always reversible
    )


def test_a_packs_vocabulary_is_built_once_and_a_reloaded_pack_gets_its_own() -> None:
    pack = load_pack(default_content_dir())
    first = Vocabulary.from_pack(pack)
    assert Vocabulary.from_pack(pack) is first
    reloaded = load_pack(default_content_dir())
    assert Vocabulary.from_pack(reloaded) is not first
