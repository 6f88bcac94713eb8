"""Progress: a member's weeks, hours and phases as text and a PNG card; organizer stats."""
