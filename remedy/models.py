"""Every model module, imported once so that SQLAlchemy and Alembic see the whole schema."""

from remedy.accounts import models as accounts  # noqa: F401
from remedy.cases import models as cases  # noqa: F401
from remedy.collective import models as collective  # noqa: F401
from remedy.core import audit, idempotency  # noqa: F401
from remedy.federation import models as federation  # noqa: F401
from remedy.intake import models as intake  # noqa: F401
from remedy.narratives import models as narratives  # noqa: F401
from remedy.notifications import models as notifications  # noqa: F401
from remedy.observatory import models as observatory  # noqa: F401
from remedy.observatory import regional_models as observatory_regional  # noqa: F401
from remedy.referrals import models as referrals  # noqa: F401
from remedy.registry import models as registry  # noqa: F401
from remedy.responses import models as responses  # noqa: F401
