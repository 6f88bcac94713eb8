"""Peer matchups: weekly groups that fit by time zone, interests and roadmap phase."""
