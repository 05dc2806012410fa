"""Field types the apps' callback data share. A button's data comes back from the client as the user's device sends
it: an old keyboard or forged data must not reach a service. A field that does not validate makes the app's filter
miss the button, and the fallback router answers it as out of date."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from core.db.values import INT64_MAX

RowId = Annotated[int, Field(ge=1, le=INT64_MAX)]  # a row id: what a BIGINT primary key can hold
