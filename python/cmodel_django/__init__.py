"""cmodel_django: plugin authors' Django model classes as cmodel descriptors.

    from cmodel_django import CustomModel, ModelExtension, Staff
    from cmodel_django import models_to_descriptors

    descriptors = models_to_descriptors(my_plugin.models)

The base classes stand in for the Canvas SDK's (``CustomModel``,
``ModelExtension``, the core models ``Staff`` and ``Patient``), so a
plugin's models module runs with only its imports changed.
"""

from ._setup import ensure_django

ensure_django()

from .sdk import CORE_MODELS, CustomModel, ModelExtension, Patient, Staff  # noqa: E402
from .convert import ConversionError, models_to_descriptors  # noqa: E402

__all__ = [
    "CORE_MODELS",
    "ConversionError",
    "CustomModel",
    "ModelExtension",
    "Patient",
    "Staff",
    "models_to_descriptors",
]
