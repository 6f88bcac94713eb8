"""Cohort installed from a wheel, as `pip install .`, the Dockerfile and PyPI users get it: the
built-in content pack ships inside the package and the installed program runs, also in the
Docker image's environment with `.env.example` passed as `docker run --env-file` would."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.adapters.process import clean_environment

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("bot", "adapters", "content", "pyproject.toml", "setup.py", "README.md")


def _run(*command: str | Path, cwd: Path, stdin: str = "", **env: str) -> str:
    result = subprocess.run(  # noqa: S603 - our interpreters and programs
        [str(part) for part in command],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean_environment(**env), "PYTHONPATH": ""},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with Cohort installed from a freshly built wheel. Its
    dependencies come from this environment's site-packages, added as a plain path (so the
    editable install here is not seen), which keeps the test at seconds, not minutes."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy(origin, source / name)
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "-w",
        work / "dist",
        source,
        cwd=work,
    )
    (wheel,) = (work / "dist").glob("cohort_bot-*.whl")
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=work
        ).strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "-q",
        "--no-deps",
        wheel,
        cwd=work,
    )
    return venv


def test_the_wheel_carries_every_file_of_the_built_in_pack(installed: Path) -> None:
    python = installed / "bin" / "python"
    where = _run(python, "-c", "import bot; print(bot.__file__)", cwd=installed)
    pack = Path(where.strip()).parent / "content" / "pack"
    assert pack.is_relative_to(installed)
    shipped = {p.relative_to(pack) for p in pack.rglob("*") if p.is_file()}
    expected = {
        p.relative_to(ROOT / "content") for p in (ROOT / "content").rglob("*") if p.is_file()
    }
    assert shipped == expected


def test_the_installed_program_checks_its_pack_and_runs_the_console(installed: Path) -> None:
    report = _run(installed / "bin" / "cohort", "content", "check", cwd=installed)
    assert f"at {installed}" in report
    assert "The pack is valid." in report
    answers = _run(
        installed / "bin" / "cohort",
        "run",
        cwd=installed,
        stdin="/join timezone:Europe/Berlin\n/roadmap\n",
        COHORT_DATABASE_URL=f"sqlite+aiosqlite:///{installed / 'cohort.db'}",
    )
    assert "Time zone: Europe/Berlin" in answers, answers
    assert "- Phase 1 · Foundations, months 1-3" in answers, answers  # read from the pack


def image_environment() -> dict[str, str]:
    """The settings the Dockerfile's ENV instructions give the container."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(pair.split("=", 1) for pair in shlex.split(line[4:]))
    return env


def env_file(path: Path) -> dict[str, str]:
    """A file read the way `docker run --env-file` reads it: blank lines and lines starting
    with # skipped, `KEY=value` taken verbatim (quotes included), `KEY=` an empty value."""
    env: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.lstrip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


def test_the_image_with_env_example_keeps_its_volume_pack_and_address(
    installed: Path, tmp_path: Path
) -> None:
    volume, app = tmp_path / "data", tmp_path / "app"  # /data and /app of the container
    volume.mkdir()
    app.mkdir()
    image = {k: v.replace("/data", str(volume)) for k, v in image_environment().items()}
    env = {**image, **env_file(ROOT / ".env.example")}
    cohort = installed / "bin" / "cohort"
    assert "The pack is valid." in _run(cohort, "content", "check", cwd=app, **env)
    answers = _run(cohort, "run", cwd=app, stdin="/join\n/profile\n", **env)
    assert "== Profile of you ==" in answers, answers
    assert (volume / "cohort.db").is_file()
    settings = _run(
        installed / "bin" / "python",
        "-c",
        "from bot.settings import Settings as S; s = S(); print(s.http_host, s.content_packs_dir)",
        cwd=app,
        **env,
    )
    assert settings.split() == ["0.0.0.0", str(volume / "packs")]  # noqa: S104 - the image's


def test_env_example_sets_keys_the_way_env_file_reads_them() -> None:
    names = {str(f.validation_alias.choices[0]) for f in Settings.model_fields.values()}  # type: ignore[union-attr]
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    for key, value in env_file(ROOT / ".env.example").items():
        assert key in names
        assert not value.startswith(("'", '"')), key  # --env-file would keep the quotes
    for name in names:
        assert f"{name}=" in text, f"{name} is not documented in .env.example"
