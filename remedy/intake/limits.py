"""Rate limits of intake, shared between the web pages and the API so that switching
channel does not buy a second budget. Limits come from configuration at request time."""

from flask import current_app

from remedy.extensions import limiter


def _tracking_limit() -> str:
    return current_app.config["RATELIMIT_TRACKING"]


def _answered_without_a_failed_authentication(response) -> bool:
    # Not a refusal either (429): that request may not have taken its share, and one that did
    # is over the budget anyway.
    return response.status_code not in (401, 429)


def _attempts(methods: list[str] | None = None):
    """The tracking budget: only a wrong reference or secret spends it, and it holds exactly
    under a burst. Every attempt takes its share when it starts (so that guesses in flight
    together cannot overspend it: Flask-Limiter's `deduct_when` would count them only after
    their answers) and gives it back when the answer was neither a failed authentication nor
    a refusal: the owner's reads cost nothing. A refund is a negative hit on the same
    counter, which fixed windows (the configured strategy) allow."""
    # override_defaults=False: on top of the API's own limit per token or address (api.bp),
    # not instead of it (a route's limits replace its blueprint's otherwise).
    spend = limiter.shared_limit(_tracking_limit, scope="tracking", methods=methods,
                                 override_defaults=False)
    refund = limiter.shared_limit(_tracking_limit, scope="tracking", methods=methods, cost=-1,
                                  deduct_when=_answered_without_a_failed_authentication,
                                  override_defaults=False)

    def decorate(view):
        return spend(refund(view))

    return decorate


# override_defaults=False: see `_attempts`.
filing = limiter.shared_limit(lambda: current_app.config["RATELIMIT_FILING"], scope="filing",
                              methods=["POST"], override_defaults=False)
tracking = _attempts()
complainant_writes = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_COMPLAINANT_WRITE"], scope="complainant-writes",
    override_defaults=False)
# The sign-in form spends the same budget, on its POST only (the page itself stays open).
tracking_form = _attempts(methods=["POST"])
