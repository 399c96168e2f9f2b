"""What the ``ordergram`` command's tests share: the demo data, the repository root and a run's result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


DEMO = ROOT / "bot" / "demo_data"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
