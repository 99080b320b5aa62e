"""The one exception every rule raises for bad user input.

A ``Refusal`` is a user-facing "no": ``str(exc)`` is the sentence the caller reads, so it must say what
was wrong and what is accepted. Anything else a rule raises is a bug, not a user mistake.
"""


class Refusal(Exception):
    """A polite, complete explanation of why the user's input was not accepted."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
