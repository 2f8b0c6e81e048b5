"""What the store raises."""


class DuplicateError(ValueError):
    """Already stored; ``existing`` names what is there."""

    def __init__(self, message: str, existing: str) -> None:
        super().__init__(message)
        self.existing = existing


class StoreUnavailableError(RuntimeError):
    """The state database cannot be used (unreachable, or its driver is missing); the message says which
    database, with any password masked, and why."""
