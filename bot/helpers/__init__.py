"""Helpers: members who finished a milestone, offered to the members stuck on it."""
