"""The sample replies of the vendor's document (../shared/seeds/004_*.txt), by endpoint, as the document has them.

seed_samples.json holds them copied from the document with its typographic quotes made plain, nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLES: dict[str, Any] = json.loads((Path(__file__).parent / "seed_samples.json").read_text())
