"""Imports every face's models so the metadata knows every table (migrations, drift test)."""

from flowsuite.admin import models as admin_models
from flowsuite.cflow import models as cflow_models
from flowsuite.core import models as core_models
from flowsuite.iflow import models as iflow_models
from flowsuite.itflow import models as itflow_models
from flowsuite.tenancy import models as tenancy_models

__all__ = ["admin_models", "cflow_models", "core_models", "iflow_models", "itflow_models", "tenancy_models"]
