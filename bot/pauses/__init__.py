"""Pauses: a member steps away until a date; their streak is kept and nothing prompts them."""
