"""The Slack adapter: one `/cohort` slash command, Block Kit replies, modals and the App Home."""
