"""The render pool's settings: defaults, and bad values refused with one line naming the variable."""
from __future__ import annotations

import pytest

from core.config import Settings, SettingsError


def settings(tmp_path, **env) -> Settings:
    return Settings.from_env({"SB_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "k" * 40, **env})


def test_pool_defaults(tmp_path):
    config = settings(tmp_path).flask_config()
    assert (config["PDF_WORKERS"], config["PDF_QUEUE"], config["PDF_TIMEOUT_SECONDS"]) == (2, 8, 60)
    assert (config["PDF_CACHE_BYTES"], config["PDF_CACHE_SECONDS"]) == (32 * 1024 * 1024, 300)
    assert config["PDF_RENDERS_PER_MINUTE"] == 12
    off = settings(tmp_path, SB_PDF_WORKERS="0", SB_PDF_CACHE_MB="0").flask_config()
    assert off["PDF_WORKERS"] == 0 and off["PDF_CACHE_BYTES"] == 0


@pytest.mark.parametrize("name, raw", [("SB_PDF_WORKERS", "two"), ("SB_PDF_WORKERS", "17"), ("SB_PDF_QUEUE", "-1"),
                                       ("SB_PDF_TIMEOUT_SECONDS", "1"), ("SB_PDF_CACHE_MB", "lots"),
                                       ("SB_PDF_CACHE_SECONDS", "7200"), ("SB_PDF_RENDERS_PER_MINUTE", "0")])
def test_bad_pool_settings_are_refused_by_name(tmp_path, name, raw):
    with pytest.raises(SettingsError, match=name):
        settings(tmp_path, **{name: raw})
