"""The calendar over HTTP: the secret ICS feed, and connecting a user's Google account (OAuth)."""

from __future__ import annotations

import html

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.calendar import oauth, service
from core.db.base import utcnow
from core.errors import DomainError, NotFoundError
from core.i18n import translator
from webapp.deps import SessionDep, SettingsDep

router = APIRouter(tags=["calendar"])


@router.get("/calendar/{token}.ics")
async def ics_feed(token: str, session: SessionDep) -> Response:
    body = await service.feed_for_token(session, token, utcnow())
    if body is None:
        raise NotFoundError("no such calendar")
    headers = {"Cache-Control": "private, max-age=300", "Content-Disposition": "inline; filename=secretary.ics"}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


def _page(text: str, status_code: int = 200) -> HTMLResponse:
    body = f"<!doctype html><meta charset=utf-8><title>Secretary</title><p>{html.escape(text)}</p>"
    return HTMLResponse(body, status_code=status_code)


@router.get(oauth.CONNECT_PATH, response_model=None)
async def google_connect(state: str, settings: SettingsDep) -> Response:
    t = translator(settings.default_language)
    if not oauth.oauth_enabled(settings):
        return _page(t("calendar.page.not_configured"), 404)
    try:
        oauth.read_state(settings, state)
    except DomainError as exc:
        return _page(t("calendar.page.failed", reason=exc.message), 400)
    return RedirectResponse(oauth.authorization_url(settings, state), status_code=302)


@router.get(oauth.CALLBACK_PATH, response_model=None)
async def google_callback(session: SessionDep, settings: SettingsDep, state: str = "", code: str = "",
                          error: str = "") -> Response:
    t = translator(settings.default_language)
    if not oauth.oauth_enabled(settings):
        return _page(t("calendar.page.not_configured"), 404)
    try:
        if error or not code:
            raise oauth.OAuthError(error or "no authorization code")
        user = await service.connect_google(session, settings, state, code, utcnow())
    except DomainError as exc:
        return _page(t("calendar.page.failed", reason=exc.message), 400)
    return _page(translator(user.language)("calendar.page.connected"))
