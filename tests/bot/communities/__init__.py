"""Tests of bot/communities."""
