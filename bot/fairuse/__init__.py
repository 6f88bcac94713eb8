"""Fair use: how much work one member and one community may ask of the bot at once."""
