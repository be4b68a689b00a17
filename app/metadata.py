"""Imports every model module so that `metadata` is complete (Alembic, drift test)."""

from app.audit import models as _audit  # noqa: F401
from app.auth import models as _auth  # noqa: F401
from app.documents import models as _documents  # noqa: F401
from app.domains.assistance import models as _assistance  # noqa: F401
from app.domains.benefits import models as _benefits  # noqa: F401
from app.domains.cases import models as _cases  # noqa: F401
from app.domains.complaints import models as _complaints  # noqa: F401
from app.domains.controls import models as _controls  # noqa: F401
from app.domains.households import models as _households  # noqa: F401
from app.domains.people import models as _people  # noqa: F401
from app.domains.providers import models as _providers  # noqa: F401
from app.domains.services import assistant_models as _assistant_service  # noqa: F401
from app.domains.services import models as _services  # noqa: F401
from app.models import Base
from app.notifications import inbox_models as _inbox  # noqa: F401
from app.notifications import models as _notifications  # noqa: F401
from app.notifications import preference_models as _preferences  # noqa: F401
from app.tenants import models as _tenants  # noqa: F401

metadata = Base.metadata
