"""Every setting ``bot/config.py`` reads is in the deploy's env example, with a comment, and in
README's configuration table: an operator copying the example sees every knob there is."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "ordergram.env.example"
SETTINGS = [name.upper() for name in Settings.model_fields]


def _example_lines() -> list[str]:
    return EXAMPLE.read_text(encoding="utf-8").splitlines()


def test_every_setting_is_in_the_env_example_once_under_a_comment_of_its_own() -> None:
    lines = _example_lines()
    found: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if match := re.fullmatch(r"(?:# )?([A-Z][A-Z0-9_]*)=.*", line):
            found.setdefault(match.group(1), []).append(i)
    assert sorted(found) == sorted(SETTINGS)
    for name, at in found.items():
        assert len(at) == 1, f"{name} is in the example {len(at)} times"
        above = lines[at[0] - 1]
        assert above.startswith("# ") and not re.match(r"# [A-Z][A-Z0-9_]*=", above), f"{name} has no comment"


def test_the_env_example_is_read_as_valid_settings_with_its_commented_lines_too(tmp_path: Path) -> None:
    lines = _example_lines()
    given = tmp_path / "given.env"
    given.write_text("\n".join(lines), encoding="utf-8")
    everything = tmp_path / "everything.env"
    everything.write_text("\n".join(re.sub(r"^# ([A-Z][A-Z0-9_]*=)", r"\1", line) for line in lines), encoding="utf-8")
    settings = Settings(_env_file=given)
    assert settings.webapp_url is None and settings.default_currency == "GBP"  # the shop writes its own
    Settings(_env_file=everything)


def test_every_setting_is_in_the_readmes_configuration_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("\n## Configuration\n", 1)[1].split("\n### ", 1)[0]
    named = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            named |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1]))
    assert sorted(named) == sorted(SETTINGS)
