"""The server's own JSON (activities/jsondata.py): orjson, with what the standard module wrote kept."""
import json

import pytest

from activities import jsondata


@pytest.mark.parametrize("value", [
    {"a": 1, "b": [1.5, None, True, "é ✓"], "nested": {"x": {"y": []}}},
    [],
    "text",
    {"big": 2**70},  # past orjson's 64 bits: the standard module writes it
])
def test_the_same_data_comes_back(value):
    assert jsondata.loads(jsondata.dumps(value)) == value
    assert json.loads(jsondata.dumps(value)) == value


def test_keys_that_are_not_strings_are_written_as_strings_as_before():
    assert jsondata.loads(jsondata.dumps({1: "a", 2: "b"})) == json.loads(json.dumps({1: "a", 2: "b"}))


def test_the_digest_is_the_same_whatever_order_the_keys_came_in():
    one = {"b": 1, "a": {"d": 2, "c": 3}}
    other = {"a": {"c": 3, "d": 2}, "b": 1}
    assert jsondata.digest(one) == jsondata.digest(other)
    assert jsondata.digest(one) != jsondata.digest({**one, "b": 2})
    assert len(jsondata.digest(one, 9)) == 18


def test_a_value_json_cannot_write_is_refused_unless_a_default_is_given():
    with pytest.raises(TypeError):
        jsondata.dumps({"x": object()})
    assert jsondata.digest({"x": object()}, default=lambda _v: "?") == jsondata.digest({"x": "?"})
