"""Compatibility: the week rules moved to :mod:`bot.weeks`; matchups still imports them here."""

from __future__ import annotations

from bot.weeks import WEEK as WEEK
from bot.weeks import week_key as week_key
from bot.weeks import week_start as week_start
