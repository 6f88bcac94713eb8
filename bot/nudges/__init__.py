"""Nudges: the weekly check-in prompt in the channel, and reminder messages to members."""
