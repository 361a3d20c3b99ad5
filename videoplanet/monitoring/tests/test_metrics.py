"""GET /metrics: violation totals from the database, request counts, access, worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from prometheus_client.parser import text_string_to_metric_families

from videoplanet.monitoring.metrics import exposition
from videoplanet.monitoring.services import violations_store

from .conftest import SCRAPER_TOKEN, URL, entry, report

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]


def scrape(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """Sample name -> {sorted labels: value}."""
    out: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return out


def labels(**pairs: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(pairs.items()))


def get_metrics(client: Any, **extra: Any) -> Any:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return scrape(response.content.decode())


def test_violation_totals_and_drops_are_exposed_per_key_and_source(
    as_reporter: Any, scraper: Any
) -> None:
    as_reporter.post(URL, report(entry(count=12), dropped=3), format="json")
    as_reporter.post(URL, report(entry(count=8)), format="json")
    violations_store(
        source="server",
        report=report(entry(endpoint="user.left", method="WS", type="message", count=2)),
    )
    metrics = get_metrics(scraper)
    assert metrics["contract_violations_total"] == {
        labels(method="POST", endpoint="/api/v1/feedbacks", type="request",
               source="VideoPlanet-Frontend"): 20.0,
        labels(method="WS", endpoint="user.left", type="message", source="server"): 2.0,
    }  # fmt: skip
    assert metrics["contract_violations_dropped_total"] == {
        labels(source="VideoPlanet-Frontend"): 3.0
    }


def test_requests_are_counted_by_operation_and_status(
    as_user: Any, world: World, anon: Any, scraper: Any
) -> None:
    def count(metrics: Any, **pairs: str) -> float:
        return metrics.get("videoplanet_http_requests_total", {}).get(labels(**pairs), 0.0)

    before = get_metrics(scraper)
    client = as_user(world.owner)
    client.get("/api/v1/me")
    client.get("/api/v1/me")
    client.get(f"/api/v1/videos/{world.other_video.id}")  # 404 on a documented operation
    anon.get("/api/v1/me")
    anon.get("/api/nowhere")  # "/nowhere" is a web app route
    after = get_metrics(scraper)

    def delta(**pairs: str) -> float:
        return count(after, **pairs) - count(before, **pairs)

    assert delta(method="GET", endpoint="/api/v1/me", status="200") == 2
    assert delta(method="GET", endpoint="/api/v1/me", status="401") == 1
    assert delta(method="GET", endpoint="/api/v1/videos/{video_id}", status="404") == 1
    assert delta(method="GET", endpoint="other", status="404") == 1
    # The scrape before this one was counted too, as an undocumented path.
    assert delta(method="GET", endpoint="other", status="200") == 1


def test_with_a_token_set_metrics_need_it(anon: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = "s3cret-scraper-token"
    response = anon.get("/metrics")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    wrong = anon.get("/metrics", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "authentication_failed"
    assert "contract_violations_total" not in wrong.content.decode()
    assert get_metrics(anon, HTTP_AUTHORIZATION="Bearer s3cret-scraper-token")


def test_without_a_token_and_not_public_metrics_are_not_there(anon: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_PUBLIC = False
    response = anon.get("/metrics")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_metrics_are_closed_unless_configured(anon: Any) -> None:
    # The settings' defaults: no token, not public.
    response = anon.get("/metrics")
    assert response.status_code == 404
    assert "contract_violations_total" not in response.content.decode()


def test_metrics_are_public_only_when_said_so(anon: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_PUBLIC = True
    assert get_metrics(anon)


@pytest.mark.parametrize("module", ["config.settings.local", "config.settings.production"])
def test_every_settings_module_closes_metrics_by_default(module: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METRICS_")}
    env.update(
        DJANGO_SETTINGS_MODULE=module,
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="example.com",
        DATABASE_URL="sqlite:///:memory:",
    )
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
         "print(settings.METRICS_PUBLIC, repr(settings.METRICS_TOKEN))"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "''"]


def test_the_ready_banner_says_how_to_scrape(scraper: Any) -> None:
    out = StringIO()
    call_command("seed_demo", base_url="http://127.0.0.1:8123", stdout=out)
    [line] = [line for line in out.getvalue().splitlines() if "Metrics" in line]
    assert line.split(None, 1)[1] == (
        f"curl -H 'Authorization: Bearer {SCRAPER_TOKEN}' http://127.0.0.1:8123/metrics"
    )


def test_make_run_gives_the_server_and_the_banner_a_metrics_token() -> None:
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("var/metrics-token" in line and "secrets" in line for line in lines)
    token = 'METRICS_TOKEN="${METRICS_TOKEN:-$(cat var/metrics-token)}"'
    assert any(line.startswith(token) and "seed_demo" in line for line in lines)
    assert any(line.startswith(token) and "uvicorn" in line for line in lines)


def test_metrics_only_answer_get(anon: Any) -> None:
    response = anon.post("/metrics")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


_WORKER = """
import django
django.setup()
from django.test import Client
client = Client()
for _ in range({n}):
    assert client.get("/api/v1/me").status_code == 401
"""


def test_request_counts_from_several_worker_processes_add_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)  # these requests touch no database
    workers = [
        subprocess.Popen([sys.executable, "-c", _WORKER.format(n=n)], cwd=REPO, env=env)
        for n in (3, 4)
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    metrics = scrape(exposition().decode())
    me = labels(method="GET", endpoint="/api/v1/me", status="401")
    assert metrics["videoplanet_http_requests_total"][me] == 7
