"""Loopback fakes of the platforms Cohort talks to, started by the tests."""
