"""Errors whose message is meant for the person who ran a command."""


class UserError(Exception):
    """Something the user can fix; the message says what and how, in the reply subset."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
