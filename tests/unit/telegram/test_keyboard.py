"""bot.telegram.keyboard.Keyboard: aiogram's builder without the deep copies, the same markup."""

from __future__ import annotations

from aiogram.types import WebAppInfo
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.items.callbacks import ItemCb
from bot.telegram.keyboard import Keyboard


def _fill(kb: InlineKeyboardBuilder, count: int) -> InlineKeyboardBuilder:
    for n in range(count):
        kb.button(text=f"b{n}", callback_data=ItemCb(action="done", item_id=n + 1))
    kb.button(text="app", web_app=WebAppInfo(url="https://example.org/app"))
    return kb


def test_the_same_markup_as_aiogram_builder() -> None:
    for count, sizes in [(3, (3,)), (4, (2,)), (5, (1, 2)), (9, ()), (2, (3, 1))]:
        ours, theirs = _fill(Keyboard(), count), _fill(InlineKeyboardBuilder(), count)
        if sizes:
            ours.adjust(*sizes)
            theirs.adjust(*sizes)
        assert ours.as_markup() == theirs.as_markup()
        assert list(ours.buttons) == list(theirs.buttons)


def test_an_exported_markup_is_its_own() -> None:
    kb = _fill(Keyboard(), 2)
    markup = kb.as_markup()
    kb.button(text="later", callback_data=ItemCb(action="cancel", item_id=9))
    assert [b.text for row in markup.inline_keyboard for b in row] == ["b0", "b1", "app"]
    exported = kb.export()
    exported[0].clear()
    assert len(list(kb.buttons)) == 4
