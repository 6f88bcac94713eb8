"""The installations feature's declaration: workspace installs and OAuth states, for adapters."""

from __future__ import annotations

from bot.feature import Exempt, Feature, Services, Shared
from bot.installations.personal import InstallerRows
from bot.installations.service import InstallationService
from bot.storage.tables import installations, oauth_states


def _build(shared: Shared, services: Services) -> InstallationService:
    return InstallationService(shared.db)


FEATURE = Feature(
    "installations",
    _build,
    tables=(installations, oauth_states),
    member_data=lambda _: InstallerRows(),
    personal=(installations.c.installer_user_id,),
    exempt=(
        Exempt(installations.c.platform, "the platform's name: discord, slack or console"),
        Exempt(installations.c.workspace, "the workspace's (or enterprise's) id, not a person's"),
        Exempt(
            installations.c.data,
            "the platform's install record without the installer: the bot's tokens, scopes "
            "and ids, the app's and the workspace's (Cohort asks for no user token)",
        ),
        Exempt(oauth_states.c.state, "a random one-time value of an install under way"),
    ),
)
