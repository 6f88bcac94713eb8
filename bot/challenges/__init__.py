"""Weekly challenges: posting on schedule, submissions, peer review, kudos and summaries."""
