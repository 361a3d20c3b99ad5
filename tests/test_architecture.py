"""The import direction of docs/architecture.md, read from the source (an AST walk):
domain apps never import the tooling, the diff stays Django-free, the SDK never imports
the server."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_APPS = ("accounts", "projects", "feedback", "realtime", "media", "monitoring")
# The dashboard's "fields no consumer used" panel and the usage export read documents,
# pacts and usage with the diff's Django-free readers: the one edge from a domain app
# into videoplanet.apidiff, and never into its command line.
MONITORING_USES_APIDIFF = {
    "videoplanet/monitoring/dashboard.py",
    "videoplanet/monitoring/usage.py",
    "videoplanet/monitoring/usage_document.py",
    "videoplanet/monitoring/management/commands/usage_export.py",
    "videoplanet/monitoring/tests/test_usage.py",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[:2] == ["clients", "python"]:
        parts = parts[2:]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, package: str | None = None) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved
    against ``package`` (by default the file's own), including those inside functions and
    ``TYPE_CHECKING`` blocks."""
    if package is None:
        package = _module_name(path)
        if path.name != "__init__.py":
            package = package.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node.lineno, module
            # ``from package import module`` names a module too
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        {
            f"{path.relative_to(ROOT)}:{line} imports {module}"
            for path in files
            for line, module in imports(path)
            if any(_within(module, package) for package in forbidden)
        }
    )


def forbidden_lines(path: Path, package: str, forbidden: str) -> set[int]:
    return {line for line, module in imports(path, package) if _within(module, forbidden)}


def _python(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_domain_apps_never_import_the_pact_tooling(app: str) -> None:
    assert violations(_python(f"videoplanet/{app}"), ("videoplanet.pact",)) == []


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_domain_apps_never_import_the_diff_beyond_monitorings_readers(app: str) -> None:
    files = [
        path
        for path in _python(f"videoplanet/{app}")
        if str(path.relative_to(ROOT)) not in MONITORING_USES_APIDIFF
    ]
    assert violations(files, ("videoplanet.apidiff",)) == []
    readers = [ROOT / name for name in MONITORING_USES_APIDIFF]
    assert violations(readers, ("videoplanet.apidiff.cli", "videoplanet.contracts.__main__")) == []


@pytest.mark.parametrize("package", ["api", "webapp", "contracts", "apidiff"])
def test_the_rest_of_the_server_never_imports_the_pact_tooling(package: str) -> None:
    files = [p for p in _python(f"videoplanet/{package}") if "tests" not in p.parts]
    assert files
    assert violations(files, ("videoplanet.pact",)) == []


def test_the_contracts_dispatcher_leads_only_to_the_diff() -> None:
    # python -m videoplanet.contracts diff|impact|who-uses: the one way in, kept working
    dispatcher = ROOT / "videoplanet/contracts/__main__.py"
    server = {m for _, m in imports(dispatcher) if _within(m, "videoplanet")}
    assert server and all(_within(m, "videoplanet.apidiff") for m in server)


def test_the_diff_needs_no_django_and_no_server_app() -> None:
    files = [p for p in _python("videoplanet/apidiff") if "tests" not in p.parts]
    allowed = ("videoplanet.apidiff",)
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in files
        for line, module in imports(path)
        if (_within(module, "django") or _within(module, "rest_framework"))
        or (_within(module, "videoplanet") and not any(_within(module, a) for a in allowed))
    ]
    assert found == []


def test_the_sdk_never_imports_the_server() -> None:
    files = _python("clients/python")
    assert files, "the SDK's sources were not found"
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in files
        for line, module in imports(path)
        if _within(module, "videoplanet") or _within(module, "django") or _within(module, "config")
    ]
    assert found == []


def test_the_walk_sees_what_it_forbids(tmp_path: Path) -> None:
    """The checks above notice an import written any of these ways, and nothing else."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from videoplanet.pact import provider_states\n"
        "def f():\n"
        "    import videoplanet.pact.broker\n"
        "from ..pact.messages import builders\n"
        "from ..pactum import x\n"
        "from . import pact\n",
        encoding="utf-8",
    )
    assert forbidden_lines(sample, "videoplanet.monitoring", "videoplanet.pact") == {3, 5, 6}
