"""Installations: what a platform's OAuth install gave Cohort for each workspace."""
