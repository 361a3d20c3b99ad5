"""What a check found: ``ValidationResult(valid, problems)``, each ``Problem`` saying where
(location and path) and what, never echoing the value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Location = Literal["body", "query", "path"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a value breaks the contract: where (location + path) and what."""

    location: Location
    path: tuple[str | int, ...]
    message: str

    @property
    def field(self) -> str:
        """The dotted field path the error envelope uses (``shapes.0.style``)."""
        return ".".join(str(part) for part in self.path) or "non_field_errors"

    def __str__(self) -> str:
        if self.location != "body":
            return f"{self.location}.{self.field}: {self.message}"
        pointer = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.path)
        return f"${pointer}: {self.message}"


@dataclass(frozen=True, slots=True)
class ValidationResult:
    valid: bool
    problems: tuple[Problem, ...] = ()
    summary: str = ""
    """Why nothing could be checked (no such schema, operation or status), if so."""

    @property
    def errors(self) -> list[str]:
        """Each problem as ``<where>: <what>``, as in docs/contract-testing.md §3."""
        return [self.summary] if self.summary else [str(p) for p in self.problems]

    @property
    def details(self) -> dict[str, list[str]]:
        """Problems keyed by field path, like the ``details`` of the error envelope."""
        if self.summary:
            return {"non_field_errors": [self.summary]}
        out: dict[str, list[str]] = {}
        for problem in self.problems:
            out.setdefault(problem.field, []).append(problem.message)
        return out


VALID = ValidationResult(True)


def _invalid(summary: str) -> ValidationResult:
    return ValidationResult(False, summary=summary)
