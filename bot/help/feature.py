"""The help feature's declaration: it reads the finished catalogue when it runs."""

from __future__ import annotations

from collections.abc import Callable

from bot.commands import Catalogue
from bot.feature import Feature, Services, Shared
from bot.help.commands import commands


def _build(shared: Shared, services: Services) -> Callable[[], Catalogue]:
    return shared.catalogue


FEATURE = Feature("help", _build, commands=lambda catalogue, _: commands(catalogue))
