"""The weekly organizer report: how the community did, who may need a word, and a nudge."""
