"""The Discord adapter: native slash commands, modals, buttons and an outbox sender."""
