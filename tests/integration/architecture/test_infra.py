"""infra/ agrees with the code: every compose service runs a real `secretary` command with its health check, the
migrations run once, Prometheus scrapes every process where it serves, and the alerts and the dashboard ask only for
metric families the code records. (No Docker engine here: the files are checked, each command is run by the tests.)"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import REGISTRY

import core.metrics  # noqa: F401 (registers the families)
from core.config import Settings
from secretary.cli import app as cli
from webapp.metrics import build_registry

INFRA = Path(__file__).resolve().parents[3] / "infra"
APP_SERVICES = ("web", "bot", "worker", "beat")
HTTP_FAMILIES = {"http_requests", "http_request_duration_seconds", "http_request_size_bytes",
                 "http_response_size_bytes", "http_request_duration_highr_seconds"}  # the FastAPI instrumentator's


def compose() -> dict[str, Any]:
    return yaml.safe_load((INFRA / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def families() -> set[str]:
    names = {m.name for m in REGISTRY.collect()} | {m.name for m in build_registry().collect()}
    return names | HTTP_FAMILIES


def metric_names(expression: str) -> set[str]:
    """The metric families an expression reads (sample suffixes taken off)."""
    names = set(re.findall(r"\b((?:secretary|http)_[a-z_]+)", expression))
    return {re.sub(r"_(bucket|count|sum|total)$", "", name) for name in names}


class TestCompose:
    def test_every_service_runs_a_real_command_after_the_one_migration(self) -> None:
        services = compose()["services"]
        commands = {c.name or c.callback.__name__.replace("_", "-") for c in cli.registered_commands}
        assert services["migrate"]["command"] == ["secretary", "migrate"]
        for name in ("migrate", *APP_SERVICES):
            command = services[name]["command"]
            assert command[0] == "secretary" and command[1] in commands, name
            assert services[name]["environment"]["ENVIRONMENT"] == "production"
            assert services[name]["environment"]["RUN_MIGRATIONS"] == "false"
        for name in APP_SERVICES:
            assert services[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
            assert "test" in services[name]["healthcheck"], name

    def test_health_checks_ask_the_ports_the_processes_serve(self) -> None:
        services, settings = compose()["services"], Settings(_env_file=None)  # type: ignore[call-arg]
        assert f":{settings.web_port}/health" in " ".join(services["web"]["healthcheck"]["test"])
        assert f":{settings.bot_metrics_port}/metrics" in " ".join(services["bot"]["healthcheck"]["test"])
        assert f":{settings.worker_metrics_port}/metrics" in " ".join(services["worker"]["healthcheck"]["test"])

    def test_the_monitoring_is_not_open_to_everyone(self) -> None:
        services = compose()["services"]
        for name in ("prometheus", "grafana", "flower"):
            assert all(str(port).startswith("127.0.0.1:") for port in services[name]["ports"]), name
        assert "--basic-auth" in " ".join(services["flower"]["command"])


class TestPrometheus:
    def test_every_process_is_scraped_where_it_serves(self) -> None:
        config = yaml.safe_load((INFRA / "prometheus" / "prometheus.yml").read_text())
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        jobs = {job["job_name"]: job for job in config["scrape_configs"]}
        assert jobs["secretary-web"]["static_configs"][0]["targets"] == [f"web:{settings.web_port}"]
        assert jobs["secretary-bot"]["static_configs"][0]["targets"] == [f"bot:{settings.bot_metrics_port}"]
        assert jobs["secretary-worker"]["dns_sd_configs"][0]["port"] == settings.worker_metrics_port

    def test_alerts_read_families_the_code_records(self) -> None:
        rules = yaml.safe_load((INFRA / "prometheus" / "alerts.yml").read_text())["groups"][0]["rules"]
        assert {"IngressDown", "IngressLagging", "DeadUpdatesGrowing", "FloodControl"} <= {r["alert"] for r in rules}
        for rule in rules:
            unknown = metric_names(rule["expr"]) - families()
            assert not unknown, (rule["alert"], unknown)

    def test_the_dashboard_reads_families_the_code_records(self) -> None:
        dashboard = json.loads((INFRA / "grafana" / "dashboards" / "secretary.json").read_text())
        expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
        assert len(expressions) >= 10
        used = set().union(*(metric_names(e) for e in expressions))
        assert not used - families()
        assert {"secretary_update_handled_seconds", "secretary_outbox_retry_after", "secretary_ai_tokens"} <= used
