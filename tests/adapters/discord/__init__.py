"""End-to-end tests of the Discord adapter against a loopback fake of Discord."""
