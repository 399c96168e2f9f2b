"""The wheel is all a shop needs: it carries every data file, installs the way the Docker image
installs it (deploy/install.sh with deploy/requirements.lock), and runs far from the checkout.

Builds the sdist and the wheel from it (``python -m build``, no network) and installs the
locked dependencies from the package index (pip's cache makes repeats fast). Deselect locally
with ``-m "not packaging"``; CI runs it (and .ci/installed-demo)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator, Sequence
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
LOCK = ROOT / "deploy" / "requirements.lock"

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = dist.glob("ordergram-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv made by the Docker image's own install script."""
    target = tmp_path_factory.mktemp("image") / "venv"
    subprocess.run(
        [
            "sh",
            str(ROOT / "deploy" / "install.sh"),
            str(target),
            str(LOCK),
            str(wheel),
            getattr(sys, "_base_executable", sys.executable),
        ],
        check=True,
        capture_output=True,
    )
    return target


def _shipped_sources() -> dict[str, Path]:
    """Wheel path -> source file, for every data file the running shop reads."""
    wanted = {
        f"bot/locales/{mo.relative_to(ROOT / 'locales').as_posix()}": mo
        for mo in (ROOT / "locales").glob("*/LC_MESSAGES/*.mo")
    }
    for pattern in (
        "handlers/views/templates/**/*.j2",
        "handlers/output/fonts/*",
        "storage/migrations/**/*.py",
        "storage/migrations/*.mako",
        "bot/demo_data/**/*.*",
        "bot/webapp/templates/*.j2",
        "bot/webapp/static/*",
    ):
        wanted |= {path.relative_to(ROOT).as_posix(): path for path in ROOT.glob(pattern) if path.is_file()}
    return {name: path for name, path in wanted.items() if "__pycache__" not in name}


def test_the_wheel_carries_every_catalog_template_font_migration_and_demo_file(wheel: Path) -> None:
    sources = _shipped_sources()
    assert any(name.endswith("ru/LC_MESSAGES/messages.mo") for name in sources)
    assert any(name.startswith("storage/migrations/versions/") for name in sources)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert sorted(set(sources) - names) == []
        for name, source in sources.items():
            assert archive.read(name) == source.read_bytes(), name


def _final_stage(dockerfile: str) -> str:
    return re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[-1]


def test_the_image_builds_the_wheel_then_installs_it_with_the_lock_as_a_user_without_compilers() -> None:
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM (.+)$", text, flags=re.MULTILINE)
    assert len(stages) == 2 and stages[0].endswith(" AS builder")
    builder = re.split(r"^FROM ", text, flags=re.MULTILINE)[1]
    assert "python -m build --wheel" in builder
    final = _final_stage(text)
    # The test below replays deploy/install.sh: the image must install through exactly that script.
    install = [line for line in final.splitlines() if line.startswith("RUN ")]
    assert len(install) == 1
    assert re.search(r"install\.sh \S+ \S+requirements\.lock \S+\.whl", install[0])
    assert "COPY --from=builder" in final
    assert not re.search(r"apt-get|apk |gcc|build-essential|python -m build", final)
    user = re.findall(r"^USER (\S+)", final, flags=re.MULTILINE)
    assert user and user[-1] not in ("root", "0")


def test_the_lock_pins_every_dependency_inside_the_pyproject_ranges_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required = [*project["dependencies"], *project["optional-dependencies"]["postgres"]]
    required += project["optional-dependencies"]["redis"]
    text = LOCK.read_text()
    pins: dict[str, list[str]] = {}
    for name, pinned in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, flags=re.MULTILINE):
        pins.setdefault(name.lower().replace("_", "-"), []).append(pinned)
    for line in required:
        requirement = Requirement(line)
        versions = pins.get(requirement.name.lower().replace("_", "-"), [])
        assert versions, f"{requirement.name} is not in {LOCK.name}"
        assert all(requirement.specifier.contains(pinned) for pinned in versions), (requirement, versions)
    entries = re.split(r"^(?=[A-Za-z0-9])", text, flags=re.MULTILINE)
    assert all("--hash=sha256:" in entry for entry in entries if "==" in entry)


def _hidden_checkout() -> list[str]:
    """A prefix that runs a command with an empty, read-only folder over the checkout (a private
    mount namespace: nobody else sees it), where the machine allows one."""
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        return []
    return ["unshare", "--mount", "sh", "-c", 'mount -t tmpfs -o ro tmpfs "$0" && exec "$@"', str(ROOT)]


@pytest.fixture
def shop(tmp_path: Path, venv: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """An empty folder and an environment that knows nothing of the checkout."""
    folder = tmp_path / "shop"
    folder.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'shop.db'}"}
    yield folder, env
    shutil.rmtree(folder)


def _installed(
    venv: Path, shop: tuple[Path, dict[str, str]], *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    folder, base = shop
    command: Sequence[str] = [*_hidden_checkout(), str(venv / "bin" / "ordergram"), *args]
    return subprocess.run(
        command, cwd=folder, env={**base, **env}, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_installed_wheel_runs_every_command_far_from_the_checkout(
    venv: Path, shop: tuple[Path, dict[str, str]]
) -> None:
    folder, env = shop
    where = subprocess.run(
        [*_hidden_checkout(), str(venv / "bin" / "python"), "-c", "import bot, sys; print(bot.__file__, sys.prefix)"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    module, prefix = where.stdout.split()
    assert Path(module).is_relative_to(prefix) and not Path(module).is_relative_to(ROOT)

    assert _installed(venv, shop, "--version").stdout.strip() == f"ordergram {version('ordergram')}"
    assert _installed(venv, shop, "migrate").returncode == 0
    demo_data = Path(module).parent / "demo_data"
    for kind in ("warehouses", "products"):
        imported = _installed(venv, shop, "import", kind, str(demo_data / f"{kind}.csv"))
        assert imported.returncode == 0, imported.stderr
        assert re.match(rf"{kind}: \d+ created", imported.stdout)
    # run and serve start (database, migrations, catalogs, templates) up to their first Bot API call.
    for command in ("run", "serve"):
        started = _installed(venv, shop, command, BOT_TOKEN="123456:ABC", TELEGRAM_API_URL="http://127.0.0.1:9")
        assert started.returncode == 3, started.stderr
        assert "cannot reach the Bot API at TELEGRAM_API_URL" in started.stderr


def test_the_installed_wheel_plays_the_demo_in_english_and_russian(
    venv: Path, shop: tuple[Path, dict[str, str]]
) -> None:
    played = _installed(venv, shop, "demo")
    assert played.returncode == 0, played.stderr[-3000:]
    assert "Traceback" not in played.stdout
    # Russian text in the transcript comes from the compiled catalog inside the wheel.
    assert re.search(r"[А-Яа-я]{4,}", played.stdout)
    *_, menus, _, pointer = played.stdout.strip().splitlines()
    assert menus.startswith("The bot set up its customers' command menu in English")
    assert pointer.startswith('Your own shop next: README.md, section "Your first shop"')
