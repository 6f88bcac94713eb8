"""Reading digests: feeds per community, fetching with care, dedupe, ranking and the weekly post."""
