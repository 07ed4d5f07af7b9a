"""The golden corpus of event JSON (testdata/events), read through the Python data classes:
every event of the current version reads and writes back as the identical JSON, the data
classes have a file of every change type, and events of older versions read as their
current counterparts (as core/tests/events_golden.rs checks in Rust)."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any, Dict

import pytest

import medsched as m
from medsched._codec import encode

EVENTS = Path(__file__).resolve().parents[3] / "testdata" / "events"


def corpus(version: str) -> Dict[str, Dict[str, Any]]:
    """The files of one version, by change type (the file name)."""
    return {
        path.stem: json.loads(path.read_text())
        for path in sorted((EVENTS / version).glob("*.json"))
    }


V1 = corpus("v1")


@pytest.mark.parametrize("name", sorted(V1))
def test_a_v1_event_reads_and_writes_back_unchanged(name: str) -> None:
    data = V1[name]
    event = m.Event.from_dict(data)
    assert getattr(type(event.change), "_tag") == ("type", name)
    assert event.to_dict() == data
    assert encode(event)["v"] == 1  # the data class writes the version too
    assert m.Event.from_dict(encode(event)) == event


def test_the_data_classes_have_a_file_of_every_change_type() -> None:
    tags = {
        getattr(variant, "_tag")[1] for variant in typing.get_args(m.events.AnyChange)
    }
    assert tags == set(V1) and len(tags) == 27
    assert m.Event.VERSION == 1 and all(data["v"] == 1 for data in V1.values())


@pytest.mark.parametrize("name", sorted(corpus("v0")))
def test_a_v0_event_reads_as_its_v1_counterpart(name: str) -> None:
    data = corpus("v0")[name]
    assert "v" not in data
    event = m.Event.from_dict(data)
    assert event == m.Event.from_dict(V1[name])
    assert event.to_dict() == V1[name]


def test_a_newer_version_and_an_unknown_type_are_refused() -> None:
    newer = dict(V1["token_called"], v=2)
    with pytest.raises(m.InvalidInputError) as caught:
        m.Event.from_dict(newer)
    assert "event format version 2 is newer than this medsched reads (up to 1)" in str(
        caught.value
    )
    unknown = dict(V1["token_called"], type="token_eaten")
    with pytest.raises(m.InvalidInputError) as refused:
        m.Event.from_dict(unknown)
    assert "unknown change type `token_eaten`" in str(refused.value)
