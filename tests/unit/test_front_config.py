"""The nginx configuration ``geoportal front nginx`` writes, checked by nginx itself."""

from __future__ import annotations

import subprocess

import pytest

from geoportal.settings import Settings
from services.mapproxy.front import ServedFolder, nginx_config

FOLDER = ServedFolder("wmts", "dzialki", "PL1992", 16, "png", "dzialki_cache_EPSG2180")


def _nginx_accepts(text: str, tmp_path) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "nginx.conf"
    config.write_text(text)
    argv = ["nginx", "-t", "-c", str(config), "-e", str(tmp_path / "error.log")]
    return subprocess.run(argv, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("folders", [[], [FOLDER]], ids=["proxy only", "with tiles"])
def test_nginx_accepts_the_configuration(tmp_path, folders):
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "temp" / name).mkdir(parents=True)
    settings = Settings(var_dir=tmp_path)
    text = nginx_config(settings, folders, "127.0.0.1:8080", tmp_path)
    checked = _nginx_accepts(text, tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert ("try_files" in text) == bool(folders)
