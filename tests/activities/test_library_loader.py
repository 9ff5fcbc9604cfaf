"""The library is parsed with libyaml (CSafeLoader) when PyYAML has it: same data, same problems as the
pure-Python SafeLoader, which custom uploads keep using."""
from __future__ import annotations

import inspect

import pytest
import yaml

from activities import library
from activities.library import EMOTIONS_PATH, LIBRARY_DIR, _read_yaml, _structure_problems

LIBRARY_FILES = sorted(LIBRARY_DIR.glob("*.yaml")) + [EMOTIONS_PATH]

BROKEN = {
    "syntax": "title: Check-in\nsummary: [unclosed\n",
    "mapping_values": "title: a: b\n",
    "tab": "title: x\n\tsummary: y\n",
    "alias": "a: &x 1\nb: *x\n",
    "repeated_key": "title: x\ntitle: y\n",
    "control_char": "title: \x07bell\n",
    "unclosed_quote": 'title: "abc\n',
    "bad_indent": "settings:\n  fields:\n - a\n",
}


def test_the_c_loader_is_used_when_available():
    assert library.LIBRARY_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: p.name)
def test_library_files_read_the_same_with_either_loader(path, monkeypatch):
    fast = _read_yaml(path)
    monkeypatch.setattr(library, "LIBRARY_LOADER", yaml.SafeLoader)
    assert fast == _read_yaml(path) == (yaml.safe_load(path.read_text("utf-8")), [])


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_refused_file_is_reported_in_the_same_words(name, tmp_path, monkeypatch):
    path = tmp_path / f"{name}.yaml"
    path.write_text(BROKEN[name], "utf-8")
    fast = _read_yaml(path)
    monkeypatch.setattr(library, "LIBRARY_LOADER", yaml.SafeLoader)
    pure = _read_yaml(path)
    assert fast == pure
    assert pure[0] is None and pure[1]


def test_custom_uploads_keep_the_pure_python_parser():
    assert inspect.signature(_structure_problems).parameters["loader"].default is yaml.SafeLoader
