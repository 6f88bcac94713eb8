"""Holiday weeks: weeks an organizer declares, which keep everyone's streak as it is."""
