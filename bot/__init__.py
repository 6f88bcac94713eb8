"""Cohort's platform-neutral core: roadmap, accountability, scheduling and storage."""
