"""Import every app's models so that Base.metadata knows all tables (Alembic, tests)."""

from core.ai import models as _ai  # noqa: F401
from core.auth import models as _auth  # noqa: F401
from core.calendar import models as _calendar  # noqa: F401
from core.db.base import Base
from core.documents import models as _documents  # noqa: F401
from core.items import models as _items  # noqa: F401
from core.journal import models as _journal  # noqa: F401
from core.minis import models as _minis  # noqa: F401
from core.queue import models as _queue  # noqa: F401
from core.telegram import models as _telegram  # noqa: F401
from core.topics import models as _topics  # noqa: F401
from core.users import models as _users  # noqa: F401

metadata = Base.metadata
