"""Quarterly retros: every 13 weeks of a member's journey, a short look back and one goal,
and a summary of each class's answers for the community."""
