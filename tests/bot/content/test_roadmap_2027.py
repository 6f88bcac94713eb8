"""The built-in pack as a 2027 AI-engineer roadmap: a challenge a week in every phase, a
reading digest that does not repeat for a quarter, the topics an AI engineer needs, a free way
to do every challenge that needs a model, and no member's progress lost to the changes."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.content.loader import default_content_dir, load_pack
from bot.content.model import ContentPack
from bot.content.rules import MIN_CHALLENGES_PER_PHASE, MIN_READINGS_PER_PHASE
from bot.roadmap import library_messages as library
from tests.bot.content import pack_2026_ids

NEW_TOPICS = {
    "LLM API fundamentals": "p2-llm-api-fundamentals",
    "zero-shot LLM against TF-IDF, cost per 1,000 calls": "p2-llm-vs-tfidf",
    "structured extraction with an LLM": "p2-llm-extraction",
    "transformers connected to the models members call": "p3-inside-a-chat-model",
    "multimodal task": "p3-speech-or-documents",
    "tool-calling agent with step and spend limits": "p4-tool-agent",
    "MCP server and client": "p4-mcp-server",
    "prompt-injection red-teaming and guardrails": "p4-red-team-rag",
    "tracing and observability": "p4-llm-tracing",
    "hybrid search with reranking": "p4-hybrid-search",
    "chatbot with memory and hand-off": "p4-support-chatbot",
    "serving an open model against an API": "p5-serve-open-model",
    "agent evaluation": "p5-agent-evaluation",
    "preference tuning or distillation": "p5-preference-tuning",
    "AI system-design interview in peer matchups": "p5-system-design-interview",
}
FREE_WAYS = ("Ollama", "llama.cpp", "free tier", "laptop CPU", "Colab", "Kaggle notebook")
"""Phrases that name a way to run a model without paying."""
NEEDS_A_MODEL = {"llm", "agents", "mcp"}


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    return load_pack(default_content_dir())


def test_the_counts_per_phase_meet_the_minimums(pack: ContentPack) -> None:
    challenges = Counter(c.phase for c in pack.challenges)
    readings = Counter(n for r in pack.readings for n in set(r.phases))
    print()  # shown with `pytest -s`; docs/content.md states the same figures
    for phase in pack.phases:
        print(
            f"phase {phase.number}: {challenges[phase.number]} challenges, "
            f"{readings[phase.number]} readings, {len(phase.milestones)} milestones, "
            f"{phase.weekly_hours} h a week"
        )
    print(f"{len(NEW_TOPICS)} new challenge topics, {len(pack.challenges)} challenges in all")
    assert all(challenges[p.number] >= MIN_CHALLENGES_PER_PHASE for p in pack.phases)
    assert all(readings[p.number] >= MIN_READINGS_PER_PHASE for p in pack.phases)


def test_every_topic_the_issue_names_has_its_challenge(pack: ContentPack) -> None:
    ids = {c.id for c in pack.challenges}
    assert {topic: cid for topic, cid in NEW_TOPICS.items() if cid not in ids} == {}
    assert len(set(NEW_TOPICS.values()) - set(pack_2026_ids.CHALLENGES)) >= 12


def test_the_llm_strand_starts_in_phase_2(pack: ContentPack) -> None:
    first = min(c.phase for c in pack.challenges if "llm" in c.skills)
    assert first == 2
    where = {m.id: p.number for p in pack.phases for m in p.milestones}
    for milestone in ("how-llms-work", "retrieval-augmented-generation", "open-model-fine-tuning"):
        assert where[milestone] == 4, milestone


def test_every_challenge_that_needs_a_model_names_a_free_way(pack: ContentPack) -> None:
    costly = [
        c.id
        for c in pack.challenges
        if NEEDS_A_MODEL & set(c.skills)
        and not any(way in c.model_dump_json() for way in FREE_WAYS)
    ]
    assert costly == []


def test_no_weekly_challenge_asks_for_more_than_ten_hours(pack: ContentPack) -> None:
    assert [c.id for c in pack.challenges if c.hours > 10] == []
    parts = [c for c in pack.challenges if c.continues]
    assert {c.continues for c in parts} >= {
        "p3-tiny-gpt",
        "p5-diffusion-model",
        "p5-driving-simulation",
        "p5-reproduce-paper",
    }


def test_every_id_of_the_previous_pack_is_kept_or_declared_replaced(pack: ContentPack) -> None:
    milestones = {m.id for p in pack.phases for m in p.milestones}
    challenges = {c.id for c in pack.challenges}
    renamed_milestones = pack.renamed_milestones()
    renamed_challenges = pack.renamed_challenges()
    lost = [
        *(m for m in pack_2026_ids.MILESTONES if m not in milestones | set(renamed_milestones)),
        *(c for c in pack_2026_ids.CHALLENGES if c not in challenges | set(renamed_challenges)),
    ]
    assert lost == []
    assert renamed_challenges == {"p4-experiment-tracking": "p3-experiment-tracking"}


def test_milestones_and_challenges_of_one_thing_share_a_phase(pack: ContentPack) -> None:
    experiment = next(c for c in pack.challenges if c.milestone == "experiment-tracking")
    assert pack.phase(experiment.phase) is not None
    assert any(m.id == "experiment-tracking" for m in pack.phases[experiment.phase - 1].milestones)
    for project_id in ("medical-imaging", "credit-scoring", "intrusion-detection"):
        project = pack.project(project_id)
        challenge = next(c for c in pack.challenges if c.project == project_id)
        assert project is not None
        assert project.phase == challenge.phase == 5
    titanic = pack.project("titanic-survival")
    assert titanic is not None
    assert titanic.phase == 2
    assert "titanic-survival" in pack.phases[1].projects


def test_certifications_show_exam_cost_and_validity_and_none_is_retired(
    pack: ContentPack,
) -> None:
    fields = {f.name: f.value for f in library.certifications(pack).fields}
    for certification in pack.certifications:
        value = fields[certification.name]
        assert f"Exam: {certification.exam}." in value
        assert f"Cost: {certification.cost}." in value
        assert f"Valid: {certification.validity}." in value
    challenge = next(c for c in pack.challenges if c.id == "p4-certification-map")
    assert "Azure AI Engineer Associate" not in challenge.brief
