"""The federation's periodic job."""

from remedy.federation.inbox import forget_old_nonces
from remedy.federation.transport import sweep_federation_outbox


def sweep_federation() -> int:
    """Deliver what is due (retries, and the safety net), forget nonces too old to replay."""
    forget_old_nonces()
    return sweep_federation_outbox()
