"""cmodel_django: plugin authors' Django model classes as cmodel descriptors.

    from cmodel_django import CustomModel, ModelExtension, Staff
    from cmodel_django import models_to_descriptors

    descriptors = models_to_descriptors(my_plugin.models)

The base classes stand in for the Canvas SDK's (``CustomModel``,
``ModelExtension``, the core models ``Staff`` and ``Patient``), so a
plugin's models module runs with only its imports changed.  The package is
also a Django app: with ``"cmodel_django"`` in ``INSTALLED_APPS`` Django
knows the core models' reverse relations (generated models need it).  Its
names are looked up on first use, so Django can import the package while it
loads its apps.
"""

from ._setup import ensure_django

ensure_django()

_EXPORTS = {
    "CORE_MODELS": "sdk", "CustomModel": "sdk", "ModelExtension": "sdk", "Patient": "sdk", "Staff": "sdk",
    "ConversionError": "convert", "models_to_descriptors": "convert",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module("." + _EXPORTS[name], __name__), name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
