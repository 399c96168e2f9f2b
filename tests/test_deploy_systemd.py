"""deploy/ordergram.service and its backup timer: they run commands the installed `ordergram` has,
in the shop's folder, and systemd finds nothing else wrong with them."""

# ruff: noqa: F811 - the ``ordergram`` fixture is test_cli's, imported, and named as a parameter

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import _parser
from tests.test_cli import ordergram  # noqa: F401

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
UNITS = ("ordergram.service", "ordergram-backup.service", "ordergram-backup.timer")
INSTALLED = "/opt/ordergram/bin/ordergram"  # deploy/install.sh /opt/ordergram …, as README and the Dockerfile


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd's keys are case-sensitive
    unit.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return unit


def test_the_services_run_the_installed_command_in_the_shops_folder() -> None:
    bot, backup = _unit("ordergram.service")["Service"], _unit("ordergram-backup.service")["Service"]
    assert f"ENV PATH={INSTALLED.removesuffix('/ordergram')}" in (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    for service in (bot, backup):
        command = shlex.split(service["ExecStart"])
        assert command[0] == INSTALLED
        _parser().parse_args(command[1:])  # a subcommand this version has, with arguments it takes
        assert service["WorkingDirectory"] == "/srv/shop" and service["User"] == "ordergram"
    assert shlex.split(bot["ExecStart"])[1] == "run"
    assert _unit("ordergram-backup.timer")["Install"]["WantedBy"] == "timers.target"


def test_a_configuration_error_is_not_restarted_in_a_loop(tmp_path: Path, ordergram) -> None:
    """Exit 2 (a bad variable, no database) cannot mend itself: the unit does not restart on it."""
    bot = _unit("ordergram.service")["Service"]
    refused = ordergram("run", env={"BOT_TOKEN": "1:x", "ADMIN_IDS": "x1"})
    assert refused.returncode == 2 and "configuration error: ADMIN_IDS" in refused.stderr
    assert bot["Restart"] == "on-failure" and bot["RestartPreventExitStatus"] == str(refused.returncode)


def test_the_backup_service_backs_the_shop_up_into_its_folder(tmp_path: Path, ordergram) -> None:
    backup = _unit("ordergram-backup.service")["Service"]
    folder = backup["WorkingDirectory"]
    made = shlex.split(backup["ExecStartPre"].replace(folder, str(tmp_path)))
    subprocess.run(made, check=True)
    command = shlex.split(backup["ExecStart"].replace(folder, str(tmp_path)))
    assert ordergram("migrate").returncode == 0
    taken = ordergram(*command[1:])
    (copy,) = (tmp_path / "backups").iterdir()
    assert taken.returncode == 0 and taken.stdout.startswith(f"backup: {copy} (")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze on this machine")
def test_systemd_finds_nothing_wrong_with_the_units_but_the_command_not_installed_here() -> None:
    verified = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(f"./{name}" for name in UNITS)],
        cwd=DEPLOY,
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = [line for line in verified.stderr.splitlines() if f"Command {INSTALLED} is not executable" not in line]
    assert complaints == []
