"""Where the platform's jobs can run: the regions whose SageMaker images (scikit-learn, XGBoost, Model
Monitor) the SDK knows, read from the table `python -m pipelines.model_build` writes beside this
module. Config validation reads it here, so the config layer imports nothing above it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

CONTAINER_IMAGES_FILE = Path(__file__).with_name("container_images.json")


@cache
def image_regions() -> frozenset[str]:
    return frozenset(json.loads(CONTAINER_IMAGES_FILE.read_text(encoding="utf-8")))
