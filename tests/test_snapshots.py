"""Snapshots guard every template against unintended change. Update them only on purpose
(`make test ARGS=--snapshot-update`) and say why in the commit; syrupy fails on stale snapshots."""

from __future__ import annotations

from syrupy.extensions.json import JSONSnapshotExtension

from tests.conftest import normalised


def test_every_template_matches_its_snapshot(synthesized, snapshot):
    json_snapshot = snapshot.use_extension(JSONSnapshotExtension)
    changed = [
        path
        for path, stack in synthesized.items()
        if normalised(stack.template) != json_snapshot(name=path.replace("/", "-"))
    ]
    assert changed == []
