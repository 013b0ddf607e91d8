"""scripts/setup on a newcomer's machine: as a user without root, with and without sudo (faked, nothing installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fake_bin(tmp_path: Path, *, sudo: bool) -> Path:
    """A PATH of only what setup needs before it installs anything, as a user (uid 1000) with no packages."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "grep", "env", "cat"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    scripts = {
        "id": "echo 1000",
        "dpkg-query": "exit 1",
        "apt-get": f'echo "apt-get $1 DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >>{tmp_path / "apt.log"}; exit 0',
        "python3": "exit 1",
    }
    if sudo:  # as sudo does by default: the caller's environment is not passed on
        scripts["sudo"] = f'exec {shutil.which("env")} -i PATH="$PATH" "$@"'
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text(f"#!{shutil.which('sh')}\n{body}\n")
        path.chmod(0o755)
    return bin_dir


def _setup(tmp_path: Path, *, sudo: bool) -> subprocess.CompletedProcess:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup", project / "scripts" / "setup")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    env = {"PATH": str(_fake_bin(tmp_path, sudo=sudo)), "HOME": str(tmp_path)}
    return subprocess.run(
        [shutil.which("bash"), "scripts/setup"], cwd=project, env=env, capture_output=True, text=True, check=False
    )


def test_without_root_or_sudo_setup_says_what_to_ask_for_and_stops(tmp_path):
    result = _setup(tmp_path, sudo=False)
    assert result.returncode == 1
    assert "installing them needs root (there is no sudo here)" in result.stderr
    assert "apt-get update && apt-get install -y --no-install-recommends python3-venv libpango-1.0-0" in result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_through_sudo_apt_still_runs_without_questions(tmp_path):
    _setup(tmp_path, sudo=True)  # goes on to make the venv, which the fake python3 refuses: not the point here
    assert (tmp_path / "apt.log").read_text().splitlines() == [
        "apt-get update DEBIAN_FRONTEND=noninteractive",
        "apt-get install DEBIAN_FRONTEND=noninteractive",
    ]
