"""The sample replies of the vendor's integration document (the Cflow API document it was built from), by endpoint.

flowsuite/cflow/seed_samples.json holds them copied from the document with its typographic quotes made plain,
nothing else; the OpenAPI document shows them as the replies' examples.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

SAMPLES: dict[str, Any] = json.loads(files("flowsuite.cflow").joinpath("seed_samples.json").read_text())
