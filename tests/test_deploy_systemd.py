"""deploy/ordergram.service and its backup timer: they run commands the installed `ordergram` has,
in the shop's folder, and systemd finds nothing else wrong with them."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import _parser

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


def test_the_nightly_backup_keeps_the_last_days_copies_and_removes_older_ones(tmp_path: Path, ordergram) -> None:
    """They piled up forever: a year of nights was 365 copies of the shop in /srv/shop/backups."""
    backup = _unit("ordergram-backup.service")["Service"]
    folder = backup["WorkingDirectory"]
    subprocess.run(shlex.split(backup["ExecStartPre"].replace(folder, str(tmp_path))), check=True)
    assert ordergram("migrate").returncode == 0
    now = datetime.now(UTC)
    kept = [tmp_path / "backups" / f"ordergram-{now - timedelta(days=d):%Y%m%d-%H%M%S}.sqlite3" for d in (1, 6)]
    gone = [tmp_path / "backups" / f"ordergram-{now - timedelta(days=d):%Y%m%d-%H%M%S}.sqlite3" for d in (8, 400)]
    names = (
        "shop-20200101-000000.sqlite3",
        "ordergram-old.sqlite3",
        "ordergram-before-upgrade-0060-20200101-000000.sqlite3",
    )
    others = [tmp_path / "backups" / name for name in names]
    for path in kept + gone + others:
        path.write_bytes(b"a copy")
    command = shlex.split(backup["ExecStart"].replace(folder, str(tmp_path)))
    taken = ordergram(*command[1:], env={"BACKUP_KEEP_DAYS": "7"})
    assert taken.returncode == 0, taken.stderr
    assert all(path.exists() for path in kept + others)  # the week's copies, and files not its own, stay
    (new,) = set((tmp_path / "backups").iterdir()) - set(kept + others)
    days = tuple(f"ordergram-{day:%Y%m%d}" for day in (now, now + timedelta(minutes=5)))  # a run across midnight
    assert new.name.startswith(days) and not any(path.exists() for path in gone)
    assert taken.stdout.splitlines()[1] == "backup: removed 2 copies older than 7 days (BACKUP_KEEP_DAYS)"


def test_the_nightly_backup_removes_a_crashed_backups_partial_files_older_than_a_day(tmp_path: Path, ordergram) -> None:
    """A backup killed mid-copy (power cut, OOM) left `.ordergram-….sqlite3.partial`, a whole database's size, and
    no night ever removed it. One older than a day is removed; one written now (another backup at work) is not."""
    nightly = _nightly_backup(tmp_path, ordergram)
    backups, now = tmp_path / "backups", datetime.now(UTC)
    crashed = backups / f".ordergram-{now - timedelta(days=3):%Y%m%d-%H%M%S}.sqlite3.partial"
    writing = backups / f".ordergram-{now - timedelta(days=3):%Y%m%d-%H%M%S}-x.sqlite3.partial"
    stranger = backups / ".notes.partial"
    for path in (crashed, writing, stranger):
        path.write_bytes(b"half a copy")
    two_days_ago = (now - timedelta(days=2)).timestamp()
    os.utime(crashed, (two_days_ago, two_days_ago))
    os.utime(stranger, (two_days_ago, two_days_ago))  # not a backup's: the operator's
    taken = ordergram(*nightly)
    assert taken.returncode == 0, taken.stderr
    assert not crashed.exists() and writing.exists() and stranger.exists()  # `writing` was touched just now
    assert "backup: removed 1 unfinished copy a crashed backup left (.partial, older than a day)" in taken.stdout


def test_a_manual_backup_removes_nothing_and_the_nightly_pruning_never_removes_it(tmp_path: Path, ordergram) -> None:
    """`ordergram backup /srv/shop/backups/` typed before an upgrade removed the nights' older copies as a side
    effect, and was itself named as a night's copy: removed by the pruning BACKUP_KEEP_DAYS later, the way back
    from the upgrade gone. A manual copy is named `…-manual.sqlite3`, prunes nothing, and no night removes it."""
    nightly = _nightly_backup(tmp_path, ordergram)
    backups, now = tmp_path / "backups", datetime.now(UTC)
    old_night = backups / f"ordergram-{now - timedelta(days=40):%Y%m%d-%H%M%S}.sqlite3"
    old_night.write_bytes(b"a copy")
    manual = ordergram("backup", "backups/", env={"BACKUP_KEEP_DAYS": "7"})
    assert manual.returncode == 0, manual.stderr
    assert old_night.exists()  # a manual backup removes nothing
    (copy,) = set(backups.iterdir()) - {old_night}
    days = tuple(f"ordergram-{day:%Y%m%d}" for day in (now, now + timedelta(minutes=5)))  # a run across midnight
    assert copy.name.startswith(days) and copy.name.endswith("-manual.sqlite3")
    assert "1 dated copy older than 7 days left in place: the nightly backup (--prune) removes them" in manual.stderr
    long_after = backups / f"ordergram-{now - timedelta(days=400):%Y%m%d-%H%M%S}-manual.sqlite3"
    copy.rename(long_after)  # a year on
    night = ordergram(*nightly, env={"BACKUP_KEEP_DAYS": "7"})
    assert night.returncode == 0, night.stderr
    assert long_after.exists() and not old_night.exists()
    assert "backup: removed 1 copy older than 7 days (BACKUP_KEEP_DAYS)" in night.stdout


def _nightly_backup(tmp_path: Path, ordergram) -> list[str]:
    """The backup service's folder made under ``tmp_path``, a shop migrated there: its command's arguments."""
    backup = _unit("ordergram-backup.service")["Service"]
    folder = backup["WorkingDirectory"]
    subprocess.run(shlex.split(backup["ExecStartPre"].replace(folder, str(tmp_path))), check=True)
    assert ordergram("migrate").returncode == 0
    return shlex.split(backup["ExecStart"].replace(folder, str(tmp_path)))[1:]
