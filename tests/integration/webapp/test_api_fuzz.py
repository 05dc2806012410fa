"""The API answers as its OpenAPI document says: schemathesis fuzzes every /api/v1 route, /auth, the webhook and the
admin stats of the real app (uvicorn on loopback, its own runtime on the test database), signed in as a Mini App user.

Any 5xx fails, and so does any answer the document does not describe (an undocumented status, a body or content
type that does not match). Inputs the document calls invalid must be refused with a 4xx. Bounded: MAX_EXAMPLES cases
per operation and generation mode (FUZZ_EXAMPLES); a failure prints its seed, and `--hypothesis-seed` replays it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from core.auth.tokens import make_access_token
from core.config import Settings
from secretary.runtime import build_runtime
from tests.conftest import TEST_BOT_TOKEN
from tests.fakes.initdata import tma_header
from tests.support.sandbox import free_socket
from webapp.app import create_app

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))  # per operation and mode; raise it for a deeper run
FUZZED = r"^/(api/v1/|auth/|admin/|telegram/webhook$)"
WEBHOOK_SECRET = "hook-secret"
USER_ID = 4242
# Streams that stay open until their `seconds` are up: a valid request (and a "negative" one the server rightly takes,
# such as any text in Last-Event-ID) would hold the fuzzer for minutes, so they are fuzzed only with bad credentials;
# their parameters and valid requests are tested by their own tests (tests/integration/journal/test_journal_stream.py).
LONG_LIVED = {"GET /api/v1/entries/stream"}
# How a request the document calls invalid may be refused: schemathesis' list plus 413, which a body over the route's
# limit gets (a generated invalid import can be megabytes long) before anything reads it.
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
CHECKS: dict[GenerationMode, list[Callable[..., Any]]] = {
    GenerationMode.POSITIVE: [not_a_server_error, status_code_conformance, content_type_conformance,
                              response_schema_conformance],
    GenerationMode.NEGATIVE: [not_a_server_error, status_code_conformance, content_type_conformance,
                              response_schema_conformance, negative_data_rejection],
}


@pytest.fixture(autouse=True)
def hypothesis_home(tmp_path: Path) -> Iterator[None]:
    """Hypothesis keeps what it learns (here: the constants of the code) in a temporary folder, not in the tree."""
    set_hypothesis_home_dir(tmp_path / "hypothesis")
    yield
    set_hypothesis_home_dir(None)


@pytest.fixture
def api_url(settings: Settings, engine: AsyncEngine) -> Iterator[str]:
    """The real app on 127.0.0.1:<free port>, in a thread with its own event loop and runtime (the `engine` fixture
    only empties the tables afterwards)."""
    app_settings = settings.model_copy(update={"sandbox": False, "webhook_secret": WEBHOOK_SECRET})
    app = create_app(app_settings, runtime_factory=build_runtime, run_migrations=False)
    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(1000):
            if server.started or not thread.is_alive():
                break
            time.sleep(0.01)
        assert server.started, "the app did not start"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture
def api_schema(api_url: str) -> BaseSchema:
    """The document, with good credentials for each security scheme (a Mini App user's initData first)."""
    return _load(api_url, {
        "MiniAppInitData": {"api_key": tma_header(TEST_BOT_TOKEN, USER_ID)["Authorization"]},
        "TelegramSecretToken": {"api_key": WEBHOOK_SECRET},
        "AdminToken": {"bearer": "test-admin-token"},  # tests/conftest.py settings
    })


def _load(api_url: str, credentials: dict[str, dict[str, str]], paths: str = FUZZED) -> BaseSchema:
    settings: dict[str, Any] = {"checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}}}
    if credentials:
        settings["auth"] = {"openapi": credentials}
    config = schemathesis.Config.from_dict(settings)
    return schemathesis.openapi.from_url(f"{api_url}/openapi.json", config=config).include(path_regex=paths)


def operations(schema: BaseSchema) -> list[APIOperation]:
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the document itself is broken
        found.append(result.ok())
    return found


class TestOpenApiFuzz:
    def test_every_route_is_fuzzed(self, api_schema: BaseSchema) -> None:
        labels = {op.label for op in operations(api_schema)}
        assert {"GET /api/v1/me", "POST /api/v1/types", "POST /api/v1/import", "POST /auth/exchange",
                "POST /auth/refresh", "POST /auth/logout", "POST /telegram/webhook", "GET /admin/stats"} <= labels

    @pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
    def test_answers_match_the_document(self, api_schema: BaseSchema, mode: GenerationMode) -> None:
        """Hypothesis draws requests that fit the document (positive) or break it somewhere (negative)."""
        fuzzed = [op for op in operations(api_schema)
                  if op.label not in LONG_LIVED and (mode.is_positive or _has_input(op))]
        _for_each(fuzzed, lambda op, session: _fuzz(op, mode, session))

    def test_boundary_cases_match_the_document(self, api_schema: BaseSchema) -> None:
        """schemathesis' coverage cases: each value at its limits, just beyond them, missing or of another type."""
        def cover(operation: APIOperation, session: requests.Session) -> None:
            config = api_schema.config.generation_for(operation=operation)
            for case in api_schema.iter_coverage_cases(operation, generation_modes=list(GenerationMode),
                                                       generation_config=config):
                _call_and_check(case, case.meta.generation.mode if case.meta else GenerationMode.POSITIVE, session)

        _for_each([op for op in operations(api_schema) if op.label not in LONG_LIVED], cover)

    def test_an_access_token_is_the_other_way_in(self, api_url: str, settings: Settings) -> None:
        """The same user with `Authorization: Bearer <access JWT>` (the AccessToken scheme) is let in everywhere."""
        assert requests.get(f"{api_url}/api/v1/me", headers=tma_header(TEST_BOT_TOKEN, USER_ID)).status_code == 200
        token = make_access_token(USER_ID, settings.jwt_signing_key, ttl=600)
        schema = _load(api_url, {"AccessToken": {"bearer": token}}, paths="^/api/v1/")
        _for_each([op for op in operations(schema) if op.label not in LONG_LIVED],
                  lambda op, session: _fuzz(op, GenerationMode.POSITIVE, session, examples=5, refused=False))

    def test_credentials_are_checked(self, api_url: str) -> None:
        """Without credentials, or with whatever schemathesis makes up, a secured route answers its documented
        401 (403 for a wrong webhook secret)."""
        secured = [op for op in operations(_load(api_url, {})) if list(op.security.iter_parameters())]
        assert len(secured) > 8
        _for_each(secured, lambda op, session: _fuzz(op, GenerationMode.POSITIVE, session, examples=5, refused=True))


def _for_each(fuzzed: list[APIOperation], check: Callable[[APIOperation, requests.Session], None]) -> None:
    """Every operation is checked; all of their failures are reported together."""
    failures: list[str] = []
    with requests.Session() as session:
        for operation in fuzzed:
            try:
                check(operation, session)
            except Exception as exc:
                failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def _has_input(operation: APIOperation) -> bool:
    """A body or a parameter besides the credentials: something a negative case can break."""
    credentials = {(p.name, p.location) for p in operation.security.iter_parameters()}
    return len(operation.body) > 0 or any((p.name, p.location) not in credentials for p in operation.iter_parameters())


def _fuzz(operation: APIOperation, mode: GenerationMode, session: requests.Session, *,
          examples: int = MAX_EXAMPLES, refused: bool | None = None) -> None:
    """`refused`: whether every case must be turned away for its credentials (True), or never (False)."""
    @settings(max_examples=examples, deadline=None, database=None, print_blob=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        response = _call_and_check(case, mode, session)
        if refused is not None:
            assert (response.status_code in (401, 403)) is refused, f"{case.as_curl_command()}: {response.status_code}"

    run()


def _call_and_check(case: schemathesis.Case, mode: GenerationMode, session: requests.Session) -> schemathesis.Response:
    response = case.call(session=session, timeout=30)
    case.validate_response(response, checks=CHECKS[mode])
    return response
