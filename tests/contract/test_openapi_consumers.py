"""contracts/openapi.json as other ecosystems read it: two linters, two client generators.

- Redocly's ``recommended`` rules (tools/redocly.yaml) and Spectral's ``spectral:oas``
  (tools/.spectral.yaml) find nothing, warnings and hints included.
- openapi-python-client generates a client that passes ``mypy --strict``, with one class
  per named schema (the shapes and the feedback body's two ways by name, one reaction map).
- openapi-typescript generates types that a small strict usage file compiles against:
  the shape union narrows on ``type``, a drawing may be ``null``, a request field with a
  default may be left out, a query filter takes the component enum.

The linters come from tools/ (``make tools``), openapi-typescript and tsc from web/
(``make web``); ``make test`` installs both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from videoplanet.contracts.openapi import COMMITTED

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools" / "node_modules" / ".bin"
WEB = ROOT / "web" / "node_modules" / ".bin"
VENV_BIN = Path(sys.executable).parent


def _tool(directory: Path, name: str, target: str) -> str:
    path = directory / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make {target}`")
    return str(path)


def _run(*command: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_redocly_recommended_finds_nothing() -> None:
    result = _run(
        _tool(TOOLS, "redocly", "tools"),
        "lint",
        "--config",
        str(ROOT / "tools" / "redocly.yaml"),
        "--format",
        "json",
        str(COMMITTED),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    problems = [(p["ruleId"], p["message"]) for p in report["problems"]]
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, problems


def test_spectral_oas_finds_nothing() -> None:
    result = _run(
        _tool(TOOLS, "spectral", "tools"),
        "lint",
        "--ruleset",
        str(ROOT / "tools" / ".spectral.yaml"),
        "--fail-severity",
        "hint",
        str(COMMITTED),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_generated_python_client_passes_mypy_strict(tmp_path: Path) -> None:
    # The code as generated: no formatter or linter fixes run over it first.
    (tmp_path / "config.yaml").write_text("post_hooks: []\n", encoding="utf-8")
    generated = _run(
        str(VENV_BIN / "openapi-python-client"),
        "generate",
        "--config",
        str(tmp_path / "config.yaml"),
        "--path",
        str(COMMITTED),
        "--meta",
        "none",
        "--output-path",
        str(tmp_path / "videoplanet_api"),
        cwd=tmp_path,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout
    models = tmp_path / "videoplanet_api" / "models"
    names = {path.stem for path in models.glob("*.py")}
    assert {
        "shape_two_point",
        "shape_freehand",
        "shape_text",
        "feedback_create_at_timestamp",
        "feedback_create_at_frame",
        "reaction_map",
        "comment_reactions",
    } <= names
    # One class for the reactions map, not one per place it appears.
    assert not {n for n in names if "reactions" in n and n != "comment_reactions"}
    typed = _run(
        str(VENV_BIN / "mypy"),
        "--strict",
        "--no-incremental",
        "--cache-dir",
        os.devnull,
        "videoplanet_api",
        cwd=tmp_path,
        timeout=240,
    )
    assert typed.returncode == 0, typed.stdout + typed.stderr


USAGE = """\
import type { components, operations } from "./openapi";

type Schemas = components["schemas"];

export function corners(shape: Schemas["Shape"]): number {
  switch (shape.type) {
    case "text":
      return shape.text.length;
    case "freehand":
      return shape.coordinates.length / 2;
    default:
      return 2;
  }
}

// The server's priority is used when the field is left out.
export const body: Schemas["FeedbackCreateInput"] = {
  video_id: "7f1b7c7e-7d2a-4a43-9a55-0d6f3f2b1c11",
  timestamp: 1.5,
  content: "Too dark here",
  drawing_data: null,
};

export const filter: operations["feedbacks_list"]["parameters"]["query"] = {
  video_id: "7f1b7c7e-7d2a-4a43-9a55-0d6f3f2b1c11",
  status: "open" satisfies Schemas["FeedbackStatus"],
};

export function voters(comment: Schemas["Comment"], reply: Schemas["CommentReactions"]): number {
  const same: Schemas["ReactionMap"][] = [comment.reactions, reply.reactions];
  return same.flatMap((map) => Object.values(map).flat()).length;
}

export function shapes(feedback: Schemas["Feedback"]): number {
  // @ts-expect-error: drawing_data may be null
  const count: number = feedback.drawing_data.shapes.length;
  return feedback.drawing_data?.shapes.length ?? count;
}
"""


def test_the_generated_typescript_types_compile_a_strict_usage(tmp_path: Path) -> None:
    generated = _run(
        _tool(WEB, "openapi-typescript", "web"),
        str(COMMITTED),
        "--default-non-nullable=false",
        "--output",
        str(tmp_path / "openapi.d.ts"),
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    (tmp_path / "usage.ts").write_text(USAGE, encoding="utf-8")
    compiled = _run(
        _tool(WEB, "tsc", "web"),
        "--strict",
        "--noEmit",
        "--target",
        "es2022",
        "--module",
        "esnext",
        "--moduleResolution",
        "bundler",
        "--exactOptionalPropertyTypes",
        "--noUncheckedIndexedAccess",
        str(tmp_path / "usage.ts"),
        cwd=tmp_path,
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
