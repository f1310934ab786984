"""The refusals of the core's rules, each with the reason a client is shown."""


class FieldError(ValueError):
    """A field we refuse, with the reason the client is shown."""


class FieldConflict(FieldError):
    """A field whose value another row holds already (the API answers 409)."""


class CheckLimitReached(Exception):
    """The owner has MAX_CHECKS_PER_PROJECT checks already."""

    def __str__(self) -> str:
        return "check limit reached"
