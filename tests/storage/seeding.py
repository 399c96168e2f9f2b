"""The scale seeder for tests: bench/ holds scripts, not a package, so it is loaded from its file."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any


def load_seeder() -> Any:
    spec = importlib.util.spec_from_file_location("seed_scale", Path(__file__).parents[2] / "bench" / "seed_scale.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.setdefault("seed_scale", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    return module
