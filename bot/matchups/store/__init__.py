"""Queries for matchups, by what they are about: `participants` (settings, participation,
blocks, going idle), `rounds` (rounds, groups, answers, history, totals) and `personal` (one
member's data, for export and erasure)."""
