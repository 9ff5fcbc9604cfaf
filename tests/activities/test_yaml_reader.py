"""The bounded YAML reader (activities/yaml_reader.py): size, nesting depth and node count are checked on
the event stream, which stops at the first bound exceeded; anchors, aliases and tags are refused; a
file exactly at each bound is read. Every test runs with libyaml and with the pure-Python parser."""
from __future__ import annotations

import pytest
import yaml

from activities import yaml_reader
from activities.library import EMOTIONS_PATH, LIBRARY_DIR
from activities.yaml_reader import MAX_BYTES, MAX_DEPTH, MAX_NODES, MAX_PROBLEMS, read

LOADERS = [pytest.param(yaml.SafeLoader, id="python"),
           pytest.param(getattr(yaml, "CSafeLoader", yaml.SafeLoader), id="libyaml")]


@pytest.fixture(params=LOADERS)
def loader(request):
    return request.param


@pytest.fixture
def events_read(monkeypatch):
    """How many parser events the reader consumed (to see that it stops early)."""
    seen = {"events": 0}
    parse = yaml.parse

    def counting(*args, **kwargs):
        for ev in parse(*args, **kwargs):
            seen["events"] += 1
            yield ev

    monkeypatch.setattr(yaml_reader.yaml, "parse", counting)
    return seen


def nested(depth: int, inner: str = "x") -> str:
    """`depth` collections inside each other, sequences and mappings in turn."""
    text = inner
    for i in range(depth):
        text = f"[{text}]" if i % 2 else f"{{k: {text}}}"
    return text


def kinds(problems) -> list[str]:
    return [p.kind for p in problems]


# ---- depth ---------------------------------------------------------------------------------------


def test_exactly_the_maximum_depth_is_read(loader):
    data, problems = read(nested(MAX_DEPTH).encode(), loader)
    assert problems == []
    for _ in range(MAX_DEPTH):
        data = data["k"] if isinstance(data, dict) else data[0]
    assert data == "x"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 600, 40_000])
def test_deeper_is_refused_at_the_first_level_too_many(loader, events_read, depth):
    data, problems = read(("title: x\nsettings: " + nested(depth) + "\n").encode(), loader)
    assert data is None and kinds(problems) == ["depth"]
    assert problems[0].field == "(file)" and problems[0].reason.startswith(
        f"the file nests deeper than {MAX_DEPTH} levels")
    assert events_read["events"] <= 2 * MAX_DEPTH + 10  # stopped there: not 40,000 levels of parsing


def test_block_style_nesting_counts_the_same(loader):
    lines = "".join(f"{'  ' * i}k{i}:\n" for i in range(MAX_DEPTH)) + f"{'  ' * MAX_DEPTH}x\n"
    assert read(lines.encode(), loader)[1] == []  # MAX_DEPTH mappings
    deeper = "".join(f"{'  ' * i}k{i}:\n" for i in range(MAX_DEPTH + 1)) + f"{'  ' * (MAX_DEPTH + 1)}x\n"
    assert kinds(read(deeper.encode(), loader)[1]) == ["depth"]


# ---- width (node count) --------------------------------------------------------------------------


def test_exactly_the_maximum_node_count_is_read(loader):
    text = "[" + ", ".join(["x"] * (MAX_NODES - 1)) + "]"  # the list itself is a node too
    data, problems = read(text.encode(), loader)
    assert problems == [] and len(data) == MAX_NODES - 1


@pytest.mark.parametrize("style", ["flow list", "block list", "mapping"])
def test_one_node_too_many_is_refused(loader, events_read, style):
    n = MAX_NODES
    text = {"flow list": "[" + ", ".join(["x"] * n) + "]",
            "block list": "".join("- x\n" for _ in range(n)),
            "mapping": "".join(f"k{i}: v\n" for i in range(n // 2 + 1))}[style]  # a key and a value each
    data, problems = read(text.encode(), loader)
    assert data is None and kinds(problems) == ["nodes"]
    assert f"more than {MAX_NODES:,} values" in problems[0].reason


def test_a_huge_wide_file_is_refused_after_max_nodes_events(loader, events_read):
    text = "[" + ",".join(["x"] * 90_000) + "]"  # about 180 KB: under the size bound
    assert len(text) < MAX_BYTES
    assert kinds(read(text.encode(), loader)[1]) == ["nodes"]
    assert events_read["events"] <= MAX_NODES + 5


# ---- anchors, aliases, tags ----------------------------------------------------------------------

BOMB = ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n")


def test_a_billion_laughs_is_refused_without_expanding_anything(loader, monkeypatch):
    monkeypatch.setattr(yaml_reader.yaml, "load", lambda *a, **k: pytest.fail("built a refused file"))
    data, problems = read(BOMB.encode(), loader)
    assert data is None and set(kinds(problems)) == {"alias"}
    assert [p.field for p in problems[:3]] == ["a", "b", "b.0"]
    assert len(problems) == MAX_PROBLEMS  # the rest is not listed (nor walked)


def test_an_anchor_alone_is_refused(loader):
    [problem] = read(b"title: &t Hello\n", loader)[1]
    assert (problem.field, problem.kind) == ("title", "alias")


@pytest.mark.parametrize("text", ["a: !!int 3", "a: !!timestamp soon", "a: !!python/object:os.system x",
                                  "a: ! text", "a: !local {b: 1}", "a: !!binary aGk="])
def test_tags_are_refused(loader, text):
    data, problems = read(text.encode(), loader)
    assert data is None and kinds(problems) == ["tag"] and problems[0].field == "a"


@pytest.mark.parametrize("text", ["a: " + "9" * 5000, "a: 2024-13-45", "a: 2024-02-30 10:00:00"])
def test_a_date_or_number_that_cannot_be_one_is_a_problem_not_a_crash(loader, text):
    data, problems = read(text.encode(), loader)
    assert data is None and kinds(problems) == ["value"]


def test_repeated_keys_are_reported_with_their_path(loader):
    problems = read(b"title: x\ntitle: y\nsteps:\n  - {say: a, say: b}\n", loader)[1]
    assert [(p.field, p.kind) for p in problems] == [("title", "repeated_key"), ("steps.0.say", "repeated_key")]


# ---- size and encoding ---------------------------------------------------------------------------


def test_exactly_the_maximum_size_is_read_and_one_byte_more_is_not(loader):
    text = ("a: " + "x" * (MAX_BYTES - 4) + "\n").encode()
    assert len(text) == MAX_BYTES and read(text, loader) == ({"a": "x" * (MAX_BYTES - 4)}, [])
    data, problems = read(text + b" ", loader)
    assert data is None and kinds(problems) == ["size"] and "larger than 200 KB" in problems[0].reason


def test_not_utf8(loader):
    [problem] = read(b"title: caf\xe9\n", loader)[1]
    assert problem.kind == "encoding" and "byte 10" in problem.reason


def test_syntax_errors_name_the_line(loader):
    [problem] = read(b"title: x\nsummary: [unclosed\n", loader)[1]
    assert problem.kind == "syntax" and problem.reason.startswith("invalid YAML at line 3")


def test_problem_kinds_never_carry_content(loader):
    secret = "my-own-words"
    texts = [f"{secret}: &{secret} x", f"{secret}: !{secret} x", f"[{secret}: " * 30, f"{secret}: [" * 4000,
             f"{secret}: {secret}\n{secret}: {secret}", nested(MAX_DEPTH + 5, secret)]
    for text in texts:
        for p in read(text.encode(), loader)[1]:
            assert secret not in p.kind and p.kind in {"size", "encoding", "depth", "nodes", "alias", "tag",
                                                       "repeated_key", "syntax", "value"}


# ---- the shipped library sits far inside the bounds ----------------------------------------------


def _shape(text: str) -> tuple[int, int]:
    depth = deepest = nodes = 0
    for ev in yaml.parse(text, Loader=yaml_reader.LOADER):
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        nodes += isinstance(ev, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent))
    return deepest, nodes


@pytest.mark.parametrize("path", sorted(LIBRARY_DIR.glob("*.yaml")) + [EMOTIONS_PATH], ids=lambda p: p.name)
def test_every_library_file_has_wide_headroom(path):
    raw = path.read_bytes()
    depth, nodes = _shape(raw.decode())
    assert len(raw) * 10 <= MAX_BYTES and depth * 4 <= MAX_DEPTH and nodes * 10 <= MAX_NODES
    assert read(raw) == (yaml.safe_load(raw), [])
