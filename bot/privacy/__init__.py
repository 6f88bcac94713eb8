"""Data ownership: a member's export of all their data, and forgetting them entirely."""
