"""Domain exceptions. Views and the API map them to a message beside a field or a 4xx."""


class DomainError(Exception):
    """A rule of the domain refused the request; the message is safe to show."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(DomainError):
    """Input is wrong; `fields` maps field names to what is wrong with each."""

    status = 422
    code = "validation_failed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class NotAuthorised(DomainError):
    status = 401
    code = "not_authorised"


class InsufficientScope(DomainError):
    """An API token that may not do this (a read-only token asked to write)."""

    status = 403
    code = "insufficient_scope"


class ServiceUnavailable(DomainError):
    status = 503
    code = "unavailable"
