"""The challenges feature's declaration: weekly challenges, submissions and reviews."""

from __future__ import annotations

from bot.challenges.commands import commands, suggester
from bot.challenges.jobs import weekly_challenge
from bot.challenges.personal import ChallengeData
from bot.challenges.service import ChallengeService
from bot.commands import Autocomplete
from bot.communities.service import CommunityService
from bot.feature import Exempt, Feature, Services, Shared
from bot.members.service import MemberService
from bot.storage.tables import challenge_posts, kudos, reviews, submissions


def _build(shared: Shared, services: Services) -> ChallengeService:
    return ChallengeService(shared.db, shared.content, services.get(MemberService))


FEATURE = Feature(
    "challenges",
    _build,
    commands=lambda service, services: commands(service, services.get(CommunityService)),
    jobs=lambda service, _: (weekly_challenge(service),),
    suggesters=lambda service: {Autocomplete.CHALLENGE: suggester(service)},
    tables=(challenge_posts, submissions, reviews, kudos),
    member_data=lambda _: ChallengeData(),
    personal=(
        submissions.c.member_id,
        submissions.c.link,
        submissions.c.note,
        reviews.c.reviewer_id,
        reviews.c.comment,
        kudos.c.member_id,
    ),
    exempt=(Exempt(challenge_posts.c.challenge_id, "the id of a challenge of the content pack"),),
)
