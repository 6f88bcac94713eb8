"""The console adapter: Cohort in a terminal, for local use, demos and black-box tests."""
