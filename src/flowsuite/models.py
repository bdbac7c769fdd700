"""Imports every face's models so the metadata knows every table (migrations, drift test)."""

from flowsuite.itflow import models as itflow_models
from flowsuite.tenancy import models as tenancy_models

__all__ = ["itflow_models", "tenancy_models"]
