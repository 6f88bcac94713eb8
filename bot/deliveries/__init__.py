"""Deliveries: what organizers see of the outbox, and re-queueing failed posts."""
