"""Organizer commands that configure a community."""
