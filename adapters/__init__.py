"""Platform adapters that translate Discord, Slack and console events into core calls."""
