"""The library's files go through the same bounded reader as facilitators' uploads
(activities/yaml_reader.py): libyaml (CSafeLoader) when PyYAML has it, the same data as the pure-Python
SafeLoader, and a file past a bound is a problem naming the file, not a crash or a hang."""
from __future__ import annotations

import pytest
import yaml

from activities import library, yaml_reader
from activities.library import EMOTIONS_PATH, LIBRARY_DIR, check_paths, load_file
from activities.problems import read_yaml

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
    "tag": "title: !!str x\n",
}


def test_the_c_loader_is_used_when_available():
    assert yaml_reader.LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: p.name)
def test_library_files_read_the_same_with_either_loader(path, monkeypatch):
    fast = read_yaml(path)
    monkeypatch.setattr(yaml_reader, "LOADER", yaml.SafeLoader)
    assert fast == read_yaml(path) == (yaml.safe_load(path.read_text("utf-8")), [])


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_is_refused_by_either_loader(name, tmp_path, monkeypatch):
    path = tmp_path / f"{name}.yaml"
    path.write_text(BROKEN[name], "utf-8")
    fast = read_yaml(path)
    monkeypatch.setattr(yaml_reader, "LOADER", yaml.SafeLoader)
    pure = read_yaml(path)
    assert fast[0] is None and fast[1] and pure[0] is None and pure[1]
    assert [p.field for p in fast[1]] == [p.field for p in pure[1]]


@pytest.mark.parametrize("value, words", [
    ("[" * 600 + "x" + "]" * 600, f"nests deeper than {yaml_reader.MAX_DEPTH} levels"),
    ("[" + ", ".join(["x"] * yaml_reader.MAX_NODES) + "]", f"more than {yaml_reader.MAX_NODES:,} values"),
])
def test_a_file_past_a_bound_is_a_problem_naming_the_file(tmp_path, value, words):
    text = (LIBRARY_DIR / "go-around.yaml").read_text("utf-8") + f"extra: {value}\n"
    path = tmp_path / "go-around.yaml"
    path.write_text(text, "utf-8")
    [problem] = check_paths([path])
    assert (problem.file, problem.field) == (str(path), "(file)") and words in problem.reason
    with pytest.raises(library.LibraryError, match="go-around.yaml: \\(file\\): the file"):
        load_file(path)
