"""Rate limits of intake, shared between the web pages and the API so that switching
channel does not buy a second budget. Limits come from configuration at request time."""

from flask import current_app

from remedy.extensions import limiter


def _failed_authentication(response) -> bool:
    """Only a wrong reference or secret spends the tracking budget; the owner's reads do not."""
    return response.status_code == 401


# override_defaults=False: on top of the API's own limit per token or address (api.bp), not
# instead of it (a route's limits replace its blueprint's otherwise).
filing = limiter.shared_limit(lambda: current_app.config["RATELIMIT_FILING"], scope="filing",
                              methods=["POST"], override_defaults=False)
tracking = limiter.shared_limit(lambda: current_app.config["RATELIMIT_TRACKING"],
                                scope="tracking", deduct_when=_failed_authentication,
                                override_defaults=False)
complainant_writes = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_COMPLAINANT_WRITE"], scope="complainant-writes",
    override_defaults=False)
# The sign-in form spends the same budget, on its POST only (the page itself stays open).
tracking_form = limiter.shared_limit(lambda: current_app.config["RATELIMIT_TRACKING"],
                                     scope="tracking", methods=["POST"],
                                     deduct_when=_failed_authentication,
                                     override_defaults=False)
