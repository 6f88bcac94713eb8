"""Communities: created on first use, with their time zone, channels, schedules and organizers."""
