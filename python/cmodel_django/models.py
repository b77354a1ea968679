"""The app's models (Django imports this module when "cmodel_django" is installed)."""

from .sdk import Patient, Staff  # noqa: F401
