"""Weekly check-ins: the week and grace-period rules, streaks with freezes, holidays and pauses."""
