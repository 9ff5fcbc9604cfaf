"""What `make run` installs (the runtime only) and what `make test` adds; the locks install with hashes."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST_ONLY = {"chromium", "postgresql-15", "postgresql-client-15", "nginx", "redis-server", "redis-tools",
             "poppler-utils"}


def fake_debian(tmp_path: Path) -> dict:
    """A PATH where dpkg-query says nothing is installed and apt-get must not be reached (--check)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dpkg-query").write_text("#!/bin/sh\nexit 1\n")
    (bin_dir / "apt-get").write_text("#!/bin/sh\necho apt-get must not run >&2\nexit 99\n")
    for f in bin_dir.iterdir():
        f.chmod(0o755)
    return {"PATH": f"{bin_dir}:/usr/bin:/bin"}


def missing(purpose: str, env: dict) -> set[str]:
    r = subprocess.run(["bash", "scripts/system-deps.sh", purpose, "--check"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1, r.stdout + r.stderr
    (line,) = [ln for ln in r.stdout.splitlines() if ln.startswith("system-deps: missing")]
    return set(line.split(":", 2)[2].split())


def test_running_installs_no_test_packages(tmp_path):
    env = fake_debian(tmp_path)
    run = missing("run", env)
    assert "libpango-1.0-0" in run and "fonts-dejavu-core" in run and "libharfbuzz-subset0" in run and "fonts-lato" in run
    assert not run & TEST_ONLY
    assert TEST_ONLY <= missing("test", env)


def test_make_run_and_serve_ask_only_for_the_runtime():
    for target in ("run", "serve"):
        plan = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout
        assert "system-deps.sh run" in plan and "system-deps.sh test" not in plan, target
        assert "venv.sh .venv requirements.lock" in plan and "requirements-dev" not in plan, target


def test_without_apt_it_goes_on_when_the_libraries_are_there(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "grep", "ls", "ldconfig", "cat"):
        found = shutil.which(tool) or shutil.which(tool, path="/sbin:/usr/sbin")
        if found:
            (bin_dir / tool).symlink_to(found)
    r = subprocess.run([str(bin_dir / "bash"), "scripts/system-deps.sh", "run"], cwd=ROOT,
                       env={"PATH": str(bin_dir)}, capture_output=True, text=True, timeout=30)
    pango = subprocess.run(["bash", "-c", "ldconfig -p | grep -q libpango-1.0"], capture_output=True).returncode == 0
    if not pango:
        pytest.skip("Pango is not installed on this machine")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no apt" in r.stdout


def pins(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", path.read_text(), re.M))


@pytest.mark.parametrize("lock, source", [("requirements.lock", "requirements.txt"),
                                          ("requirements-dev.lock", "requirements-dev.txt")])
def test_locks_pin_every_package_with_hashes_and_follow_the_top_level_pins(lock, source):
    lines = (ROOT / lock).read_text().splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(r"[A-Za-z0-9]", line)]
    assert len(starts) > 20
    for i in starts:
        assert re.match(r"[A-Za-z0-9_.\-]+==\S+ \\$", lines[i]), lines[i]  # pinned exactly
        assert "--hash=sha256:" in lines[i + 1], lines[i]
    locked = {k.lower(): v for k, v in pins(ROOT / lock).items()}
    top = {k.lower().split("[")[0]: v for k, v in pins(ROOT / source).items()}
    if source == "requirements-dev.txt":
        top |= {k.lower().split("[")[0]: v for k, v in pins(ROOT / "requirements.txt").items()}
    stale = {k: (v, locked.get(k)) for k, v in top.items() if locked.get(k) != v}
    assert not stale, f"{lock} is older than {source}: run `make lock` ({stale})"


def test_the_dev_lock_serves_the_runtime_versions():
    runtime, dev = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    assert {k: v for k, v in runtime.items() if dev.get(k) != v} == {}
    for tool in ("pytest", "aiohttp", "websocket-client", "pip-tools"):
        assert tool in dev and tool not in runtime


def test_venv_script_installs_with_hash_checking():
    script = (ROOT / "scripts/venv.sh").read_text()
    assert "--require-hashes" in script


def test_the_runtime_lock_has_what_the_gevent_worker_imports():
    """gunicorn's gevent worker imports `packaging`, declared only in gunicorn's "gevent" extra: a
    runtime venv without it cannot start (seen on a fresh clone)."""
    from importlib.metadata import requires

    runtime = {k.lower() for k in pins(ROOT / "requirements.lock")}
    extra = [r.split(";")[0].strip() for r in requires("gunicorn") or [] if 'extra == "gevent"' in r]
    names = {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].lower() for r in extra}
    assert names and names <= runtime, names - runtime
