"""The wheel carries the content: an installed diagnose works from any folder."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_non_editable_install_finds_bundled_content(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(dist), str(ROOT)], check=True, timeout=300)
    (wheel,) = dist.glob("diagnose-*.whl")

    fresh = tmp_path / "fresh"
    venv.EnvBuilder().create(fresh)  # without a pip of its own: ours installs into it (--python)
    python = fresh / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # Dependencies come from the project's environment; diagnose itself only from the wheel.
    (Path(site) / "_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                    "--quiet", str(wheel)], check=True, timeout=300)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import diagnose.core.resources as c; print(c.DEFAULT_QUESTIONNAIRE)"],
        cwd=elsewhere, capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(site) and where.endswith("mfg-ai-readiness.yaml")

    script = fresh / "bin" / "diagnose"
    validate = subprocess.run([str(script), "questionnaire", "validate", where], cwd=elsewhere,
                              capture_output=True, text=True)
    assert validate.returncode == 0, validate.stderr
    demo = subprocess.run([str(script), "demo", "--out", "out", "--companies", "1", "--quiet"],
                          cwd=elsewhere, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    assert len(list((elsewhere / "out" / "reports").glob("*.pdf"))) == 1
