"""A plain (non-editable) install carries its defaults and the shipped model: nothing is found via the source tree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_wheel_installs_and_finds_configs_and_model_without_the_checkout(tmp_path: Path) -> None:
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(REPO), "-w", str(tmp_path)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("propmark-*.whl"))
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    probe = ("import propmark.config as c, propmark.markers.folder as f;"
             "from propmark.config.schemas import BatchConfig, TrainConfig;"
             "assert c.default_model_dir().is_relative_to(%r);"
             "f.verify(c.default_model_dir()); TrainConfig.load(); BatchConfig.load();"
             "print(sorted(p.name for p in c.defaults_dir().iterdir()))") % str(target)
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert "train.yaml" in run.stdout and "text.yaml" in run.stdout
