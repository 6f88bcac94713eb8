"""Leaderboards: streaks, hours and milestones, top ten plus the caller's own rank."""
