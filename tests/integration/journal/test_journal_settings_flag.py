"""``users.has_journal_settings``: a text's routing reads the journal settings only for users who have some; saving
them sets the flag, whatever it said before."""

from __future__ import annotations

from core.db.engine import SessionFactory
from core.journal import service
from core.journal.models import JournalSettings, Routing
from core.runtime import Runtime
from core.users.models import User
from tests.support.sql import recorded_statements
from tests.support.users import add_user


async def test_no_read_without_settings_and_the_saved_ones_are_read(runtime: Runtime,
                                                                     session_factory: SessionFactory) -> None:
    await add_user(session_factory, 7501)
    async with runtime.unit_of_work() as s:
        user = await s.get(User, 7501)
        assert user is not None and not user.has_journal_settings
        with recorded_statements(runtime.engine) as seen:
            assert await service.routing(s, user) == Routing.AUTO
        assert seen == []
        await service.update_settings(s, user, routing_name=Routing.NOTES.value, currency=None)
    async with runtime.unit_of_work() as s:
        user = await s.get(User, 7501)
        assert user is not None and user.has_journal_settings
        assert await service.routing(s, user) == Routing.NOTES


async def test_a_row_the_flag_missed_is_updated_not_inserted_again(runtime: Runtime,
                                                                    session_factory: SessionFactory) -> None:
    await add_user(session_factory, 7502)
    async with runtime.unit_of_work() as s:  # written by a path that did not set the flag
        s.add(JournalSettings(user_id=7502, routing=Routing.JOURNAL.value))
    async with runtime.unit_of_work() as s:
        user = await s.get(User, 7502)
        assert user is not None
        prefs = await service.update_settings(s, user, routing_name=None, currency="EUR")
        assert (prefs.routing, prefs.currency, user.has_journal_settings) == (Routing.JOURNAL, "EUR", True)
