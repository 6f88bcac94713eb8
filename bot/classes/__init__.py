"""Classes: the members who start the roadmap in the same month, seen together."""
