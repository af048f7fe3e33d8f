from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fanzha.api.app import create_app
from fanzha.cli import app as cli_app


def test_health_endpoint_reports_version() -> None:
    client = TestClient(create_app())
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_cli_help_lists_commands() -> None:
    r = CliRunner().invoke(cli_app, ["--help"])
    assert r.exit_code == 0
    assert "fanzha" in r.output
