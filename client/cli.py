"""The `secretary-client` command: log in with a static token (from the bot's /token), choose the model profile and
a role, chat over uploaded documents with the answer streamed live.

Exit codes: 0 done, 1 the server refused (its message on stderr) or could not be reached, 2 a usage error,
3 not logged in (or the login was revoked or expired: `secretary-client login` again)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console

from client import session as store
from client.api import Api, ApiError, NotLoggedIn

EXIT_ERROR, EXIT_USAGE, EXIT_NOT_LOGGED_IN = 1, 2, 3

app = typer.Typer(help="Secretary's documents from the terminal: questions over your own PDFs.",
                  no_args_is_help=True, add_completion=False)
settings_app = typer.Typer(help="Your settings: the model profile and the role.", no_args_is_help=True)
chat_app = typer.Typer(help="Chats over your documents.", no_args_is_help=True)
file_app = typer.Typer(help="Your files.", no_args_is_help=True)
app.add_typer(settings_app, name="settings")
app.add_typer(chat_app, name="chat")
app.add_typer(file_app, name="file")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Profile(StrEnum):
    simple = "simple"
    complex = "complex"


@app.callback()
def main_options(ctx: typer.Context, server: Annotated[str | None, typer.Option(
        "--server", envvar="SECRETARY_SERVER", help="The server's URL (default: the one logged in to, else "
                                                    f"{store.DEFAULT_SERVER})")] = None) -> None:
    ctx.obj = server


@contextmanager
def connected(ctx: typer.Context) -> Iterator[Api]:
    """The API with the saved login; errors become messages on stderr and the exit code."""
    session = store.load()
    if ctx.obj:
        session.server_url = str(ctx.obj).rstrip("/")
    api = Api(session)
    try:
        yield api
    except NotLoggedIn:
        err.print("Not logged in: run `secretary-client login` (a token comes from the bot's /token).")
        raise typer.Exit(EXIT_NOT_LOGGED_IN) from None
    except ApiError as exc:
        err.print(f"Error: {exc.message} ({exc.code})")
        raise typer.Exit(EXIT_ERROR) from None
    except httpx.TransportError as exc:
        err.print(f"Cannot reach {session.server_url}: {type(exc).__name__}")
        raise typer.Exit(EXIT_ERROR) from None
    finally:
        api.close()


def _active_chat(api: Api) -> int:
    chat_id = api.session.active_chat_id
    if chat_id is None:
        err.print("No chat in use: `secretary-client chat new \"title\"` or `secretary-client chat use ID`.")
        raise typer.Exit(EXIT_USAGE)
    return chat_id


# --- login -----------------------------------------------------------------------------------------------------


@app.command()
def login(ctx: typer.Context, token: Annotated[str | None, typer.Option(
        "--token", help="the static token from the bot's /token (asked for when left out)")] = None) -> None:
    """Exchange a static token for an access and a refresh token, kept in a file only you can read."""
    static = token or typer.prompt("Static token", hide_input=True)
    with connected(ctx) as api:
        body = api.exchange(static.strip())
        out.print(f"Logged in to {api.session.server_url} as user {body['user']['id']}.")


@app.command()
def logout(ctx: typer.Context) -> None:
    """Revoke the refresh token on the server and forget the tokens here."""
    with connected(ctx) as api:
        api.logout()
        out.print("Logged out.")


@app.command()
def me(ctx: typer.Context) -> None:
    """Who you are and your settings."""
    with connected(ctx) as api:
        body = api.request("GET", "/api/v1/me")
        settings = body.get("settings") or {}
        role = settings.get("role")
        out.print(f"user: {body['id']} ({body.get('first_name', '')})")
        out.print(f"model profile: {settings.get('model_profile', 'simple')}")
        out.print(f"role: {role['name'] if role else 'none'}")
        if api.session.active_chat_id is not None:
            out.print(f"chat in use: {api.session.active_chat_id}")


# --- settings --------------------------------------------------------------------------------------------------


@settings_app.command("set-model")
def set_model(ctx: typer.Context, profile: Annotated[Profile, typer.Argument(
        help="simple: one quick model; complex: Flash collects passages and images, Pro answers")]) -> None:
    with connected(ctx) as api:
        body = api.request("PATCH", "/api/v1/me/settings", json={"model_profile": profile.value})
        out.print(f"model profile: {body['model_profile']}")


@settings_app.command("set-role")
def set_role(ctx: typer.Context, role: Annotated[str, typer.Argument(help="none, or a role's name or id")]) -> None:
    with connected(ctx) as api:
        if role.strip().lower() == "none":
            api.request("PATCH", "/api/v1/me/settings", json={"selected_role_prompt_id": None})
            out.print("role: none")
            return
        roles = api.request("GET", "/api/v1/prompts/roles")
        match = next((r for r in roles if str(r["id"]) == role.strip() or r["name"].casefold() == role.casefold()),
                     None)
        if match is None:
            names = ", ".join(r["name"] for r in roles) or "none"
            raise ApiError(404, "ERR_ROLE_NOT_FOUND", f"there is no role {role!r}; the roles: {names}")
        body = api.request("PATCH", "/api/v1/me/settings", json={"selected_role_prompt_id": match["id"]})
        out.print(f"role: {body['role']['name']}")


# --- files -----------------------------------------------------------------------------------------------------


@file_app.command("upload")
def upload(ctx: typer.Context, path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
           wait: Annotated[bool, typer.Option(help="wait until its pages are read")] = True) -> None:
    """Upload a PDF, Markdown, HTML or JSON file; prints its id (for `chat attach`)."""
    with connected(ctx) as api:
        file = api.upload(path)
        waited = False
        while wait and file["status"] == "processing":
            err.print(f"reading {file['name']}: {file['pages_done']}/{file['pages']} pages", end="\r")
            waited = True
            time.sleep(0.3)
            file = api.request("GET", f"/api/v1/files/{file['id']}")
        if waited:
            err.print()
        if file["status"] == "failed":
            raise ApiError(400, file.get("error_code") or "ERR_DOC_BROKEN", f"reading {file['name']} failed")
        out.print(f"file {file['id']}: {file['name']} — {file['pages']} pages, {file['status']}{_scans(file)}")


def _scans(file: dict[str, Any]) -> str:
    """What became of the scanned pages (no text layer): read by OCR, or not searchable."""
    scanned, ocr = int(file.get("scanned_pages") or 0), int(file.get("ocr_pages") or 0)
    if not scanned:
        return ""
    unread = f", {scanned - ocr} without text" if scanned > ocr else ""
    return f" ({scanned} scanned: {ocr} read by OCR{unread})"


# --- chats -----------------------------------------------------------------------------------------------------


@chat_app.command("new")
def chat_new(ctx: typer.Context, title: Annotated[str, typer.Argument()] = "") -> None:
    """Start a chat and use it."""
    with connected(ctx) as api:
        chat = api.request("POST", "/api/v1/chats", json={"title": title})
        api.session.active_chat_id = int(chat["id"])
        store.save(api.session)
        out.print(f"chat {chat['id']}: {chat['title']} (in use)")


@chat_app.command("use")
def chat_use(ctx: typer.Context, chat_id: Annotated[int, typer.Argument(min=1)]) -> None:
    """Use one of your chats."""
    with connected(ctx) as api:
        chat = api.request("GET", f"/api/v1/chats/{chat_id}", params={"tail": 1})
        api.session.active_chat_id = int(chat["id"])
        store.save(api.session)
        out.print(f"chat {chat['id']}: {chat['title']} (in use)")


@chat_app.command("attach")
def chat_attach(ctx: typer.Context, file_id: Annotated[int, typer.Argument(min=1)]) -> None:
    """Attach one of your files to the chat in use."""
    with connected(ctx) as api:
        chat_id = _active_chat(api)
        body = api.request("POST", f"/api/v1/chats/{chat_id}/attachments", json={"file_id": file_id})
        out.print(f"attached {body['file']['name']} to chat {chat_id}")


@chat_app.command("send")
def chat_send(ctx: typer.Context, message: Annotated[str, typer.Argument()]) -> None:
    """Ask in the chat in use; the pipeline's phases and the answer stream in as they come."""
    with connected(ctx) as api:
        chat_id = _active_chat(api)
        sent = api.request("POST", f"/api/v1/chats/{chat_id}/messages", json={"content": message})
        answer_id = sent["answer"]["id"]
        for event in api.stream(chat_id):
            if event.data.get("message_id") not in (None, answer_id):
                continue
            if _show(event):
                break


def _show(event: Any) -> bool:
    """Print one event; True once the answer is complete."""
    data = event.data
    if event.event == "phase_started":
        model = f" ({data['model']})" if data.get("model") else ""
        err.print(f"[dim]▸ {_PHASES.get(data.get('phase', ''), data.get('phase', ''))}{model}[/dim]")
    elif event.event == "phase_progress":
        err.print(f"[dim]  · {_progress(data)}[/dim]")
    elif event.event == "llm_token":
        sys.stdout.write(data.get("text", ""))
        sys.stdout.flush()
    elif event.event == "llm_final":
        sys.stdout.write("\n")
        for citation in data.get("citations", []):
            out.print(_citation(citation))
        return True
    elif event.event == "error":
        sys.stdout.write("\n")
        raise ApiError(0, str(data.get("code", "")), str(data.get("message", "the answer failed")))
    return False


_PHASES = {"retrieval": "searching the documents", "flash": "collecting passages and images",
           "answer": "answering"}


def _progress(data: dict[str, Any]) -> str:
    action = data.get("action")
    if action == "zoom":
        return f"zoom into page {data.get('page')}"
    if action == "request_images":
        return f"page images {', '.join(map(str, data.get('pages', [])))}"
    if action == "selected":
        return f"{len(data.get('blocks', []))} passages selected"
    if "blocks" in data:
        return f"{data['blocks']} passages found on pages {', '.join(map(str, data.get('pages', [])))}"
    return str({k: v for k, v in data.items() if k != "message_id"})


def _citation(citation: dict[str, Any]) -> str:
    return f"[{citation['n']}] {citation['file_name']}, p. {citation['page']}"


@chat_app.command("history")
def chat_history(ctx: typer.Context, tail: Annotated[int | None, typer.Option(
        "--tail", min=1, max=1000, help="only the last N messages")] = None) -> None:
    """The messages of the chat in use."""
    with connected(ctx) as api:
        chat_id = _active_chat(api)
        body = api.request("GET", f"/api/v1/chats/{chat_id}", params={"tail": tail} if tail else None)
        out.print(f"chat {body['id']}: {body['title']}; files: "
                  f"{', '.join(f['name'] for f in body['files']) or 'none'}")
        for message in body["messages"]:
            who = "you" if message["role"] == "user" else "answer"
            status = "" if message["status"] == "done" else f" [{message['status']}]"
            out.print(f"\n{who}{status}: {message['content']}")
            for citation in message.get("citations", []):
                out.print("  " + _citation(citation))


def main() -> None:
    run: Callable[..., Any] = app
    run(prog_name="secretary-client")
