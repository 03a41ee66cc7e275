"""Named domain errors; pages turn them into plain messages beside the field."""


class CompanionError(Exception):
    """Base class for every error the domain raises on purpose."""


class NotFound(CompanionError):
    """A record that was asked for does not exist (or may not be revealed)."""


class AccessDenied(CompanionError):
    """The signed-in user may not read or write this record."""


class InvalidInput(CompanionError):
    """Input that fails validation. ``field`` names the form field; ``message`` is for people."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class SignInFailed(CompanionError):
    """Wrong username or password: the message never says which (a wait after repeated
    failures has its own message, which says how long)."""

    message = "That username and password don't match. Please check both and try again."
