"""Help: what the caller may run, and how to run one command."""
