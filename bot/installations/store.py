"""The installations feature's queries: installs by workspace, OAuth states, installers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from bot.feature import Record
from bot.installations.model import Installation
from bot.storage.tables import communities, installations, oauth_states
from bot.storage.transaction import Transaction


async def save(
    tx: Transaction,
    platform: str,
    workspace: str,
    installer_user_id: str | None,
    data: str,
    installed_at: datetime,
) -> None:
    values = {
        "platform": platform,
        "workspace": workspace,
        "installer_user_id": installer_user_id,
        "data": data,
        "installed_at": installed_at,
    }
    await tx.execute(tx.upsert(installations, values, ["platform", "workspace"]))


async def find(tx: Transaction, platform: str, workspace: str) -> Installation | None:
    query = sa.select(installations).where(
        installations.c.platform == platform, installations.c.workspace == workspace
    )
    row = (await tx.execute(query)).one_or_none()
    if row is None:
        return None
    return Installation(
        row.platform, row.workspace, row.installer_user_id, row.data, row.installed_at
    )


async def delete(tx: Transaction, platform: str, workspace: str) -> bool:
    result = await tx.execute(
        sa.delete(installations).where(
            installations.c.platform == platform, installations.c.workspace == workspace
        )
    )
    return bool(result.rowcount)


async def issue_state(tx: Transaction, state: str, expires_at: datetime) -> None:
    await tx.execute(oauth_states.insert().values(state=state, expires_at=expires_at))


async def consume_state(tx: Transaction, state: str, now: datetime) -> bool:
    """Delete the state; whether it existed and had not expired. Expired ones go too."""
    await tx.execute(sa.delete(oauth_states).where(oauth_states.c.expires_at < now))
    result = await tx.execute(sa.delete(oauth_states).where(oauth_states.c.state == state))
    return bool(result.rowcount)


def _installed_by(community_id: int, user_id: str) -> sa.ColumnElement[bool]:
    """The installs a member made in their own community (its workspace)."""
    workspace = (
        sa.select(communities.c.external_id)
        .where(communities.c.id == community_id, communities.c.platform == installations.c.platform)
        .scalar_subquery()
    )
    return sa.and_(
        installations.c.workspace == workspace, installations.c.installer_user_id == user_id
    )


async def installed_by(tx: Transaction, community_id: int, user_id: str) -> list[Record]:
    query = sa.select(installations.c.platform, installations.c.installed_at).where(
        _installed_by(community_id, user_id)
    )
    return [
        {"platform": r.platform, "installed_at": r.installed_at.isoformat()}
        for r in await tx.execute(query)
    ]


async def forget_installer(tx: Transaction, community_id: int, user_id: str) -> None:
    await tx.execute(
        installations.update()
        .where(_installed_by(community_id, user_id))
        .values(installer_user_id=None)
    )
