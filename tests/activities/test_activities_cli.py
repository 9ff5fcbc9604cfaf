"""`flask activities check`: output lines and exit codes for good and bad inputs."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from flask import Flask

from activities.cli import activities_cli

TINY = {
    "slug": "tiny",
    "kind": "round",
    "title": "Tiny round",
    "category": "skill",
    "summary": "A tiny test round.",
    "purpose": "Testing.",
    "intro": "You each say one word.",
    "duration": 5,
    "steps": [{"minutes": 5, "text": "Go around.", "say": "One word each, please."}],
    "prompts": ["One word for today."],
    "settings": {"order": "seating", "turn_seconds": 60, "prompt": "One word for today."},
}


@pytest.fixture
def runner():
    app = Flask(__name__)
    app.cli.add_command(activities_cli)
    return app.test_cli_runner()


def write(directory: Path, name: str, data) -> Path:
    path = directory / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def lines(result) -> list[str]:
    return result.output.strip().splitlines()


def test_default_checks_the_real_library(runner):
    result = runner.invoke(args=["activities", "check"])
    assert result.exit_code == 0, result.output
    assert len(lines(result)) == 1
    assert re.fullmatch(r"\d+ files checked, 0 problems", lines(result)[0])


def test_good_directory(runner, tmp_path):
    write(tmp_path, "tiny.yaml", TINY)
    result = runner.invoke(args=["activities", "check", str(tmp_path)])
    assert result.exit_code == 0
    assert lines(result) == ["1 file checked, 0 problems"]


def test_bad_settings_field(runner, tmp_path):
    path = write(tmp_path, "tiny.yaml", {**TINY, "settings": {**TINY["settings"], "order": "alphabetical"}})
    result = runner.invoke(args=["activities", "check", str(path)])
    assert result.exit_code == 1
    first, last = lines(result)
    assert first.startswith(f"{path}: settings.order: Input should be 'seating'")
    assert last == "1 file checked, 1 problem"


def test_several_files_and_problems(runner, tmp_path):
    write(tmp_path, "tiny.yaml", TINY)
    write(tmp_path, "wrong-name.yaml", TINY)
    write(tmp_path, "broken.yaml", "slug: broken\nkind: [round\n")
    missing_title = {k: v for k, v in TINY.items() if k != "title"} | {"slug": "untitled"}
    write(tmp_path, "untitled.yaml", missing_title)
    result = runner.invoke(args=["activities", "check", str(tmp_path)])
    assert result.exit_code == 1
    out = lines(result)
    assert out[-1] == "4 files checked, 4 problems"
    assert out[0].startswith(f"{tmp_path / 'broken.yaml'}: (file): invalid YAML at line 3")
    assert out[0].endswith("(while parsing a flow sequence started at line 2)")
    assert f"{tmp_path / 'untitled.yaml'}: title: required field is missing" in out
    wrong = tmp_path / "wrong-name.yaml"
    assert any(line.startswith(f"{wrong}: slug: slug 'tiny' does not match") for line in out)
    assert any(line.startswith(f"{wrong}: slug: duplicate slug 'tiny'") for line in out)


def test_unknown_kind_and_missing_path(runner, tmp_path):
    path = write(tmp_path, "tiny.yaml", {**TINY, "kind": "quiz"})
    result = runner.invoke(args=["activities", "check", str(path), str(tmp_path / "nope")])
    assert result.exit_code == 1
    out = lines(result)
    assert f"{tmp_path / 'nope'}: (file): no such file or directory" in out
    assert any(line.startswith(f"{path}: kind: unknown kind 'quiz'") for line in out)
    assert out[-1] == "1 file checked, 2 problems"


def test_duplicate_slug_across_directories(runner, tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        write(tmp_path / sub, "tiny.yaml", TINY)
    result = runner.invoke(args=["activities", "check", str(tmp_path / "a"), str(tmp_path / "b")])
    assert result.exit_code == 1
    assert lines(result)[0].startswith(f"{tmp_path / 'b' / 'tiny.yaml'}: slug: duplicate slug 'tiny'")
    assert lines(result)[-1] == "2 files checked, 1 problem"


def test_emotions_file_is_checked_as_emotions(runner, tmp_path):
    families = [{"id": "sad", "label": "Sad", "words": ["sad"], "distress": "likely"},
                {"id": "glad", "label": "Glad", "words": ["a", "b", "c"], "distress": "never"}]
    write(tmp_path, "emotions.yaml", {"families": families})
    result = runner.invoke(args=["activities", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert lines(result) == [
        f"{tmp_path / 'emotions.yaml'}: families.0.words: List should have at least 3 items after validation, not 1",
        "1 file checked, 1 problem",
    ]
