"""Milestones: ticking off the roadmap's milestones, the current phase as a checklist."""
