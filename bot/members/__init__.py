"""Members: joining the roadmap, the profile, and leaving."""
