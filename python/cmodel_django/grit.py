"""Grit's base model, for namespaces created with Django's rules.

Grit (``../shared/seeds/004_*``) is a Django-based SDK whose models extend
``grit.core.db.models.BaseModel``.  A Grit models module imports
``BaseModel`` (and ``CustomUser``, which owns records) from here instead,
and converts with ``models_to_descriptors(module, rules="django")``:

- ``BaseModel``: abstract; a concrete subclass gets Grit's key, ``id``, a
  UUID drawn per row (``uuid.uuid4``), unless it declares a primary key of
  its own (the seed's ``ProductCategory.code``), as Django does; and the
  fields every Grit model has: ``created_at`` and ``updated_at``
  timestamps, an ``owner`` and a ``metadata`` JSON field.  Relations leave
  on_delete to cmodel, and tables take the model's name, as
  ``CustomModel``'s do.
- ``CustomUser``: an unmanaged model of the platform's user table
  ``public.custom_user`` (key ``id``, a uuid), which the database registers
  as the core model "CustomUser"
  (``cmodel_register_core_model('CustomUser', 'public.custom_user', 'id')``).

Canvas's rules refuse these models (a UUID key); register them into a
namespace created with ``cmodel_create_namespace(name, 'django')``, or with
``python3 -m cmodel_django register --rules django``.
"""

import uuid

from django.db import models

from .sdk import CmodelModelBase, core_model

CustomUser = core_model("CustomUser", "custom_user", {
    "id": models.UUIDField(primary_key=True),
    "email": models.TextField(null=True),
})


class BaseModel(models.Model, metaclass=CmodelModelBase):
    """Grit's ``BaseModel`` (see the module's text)."""

    cmodel_key = ("id", lambda: models.UUIDField(primary_key=True, default=uuid.uuid4))

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    owner = models.ForeignKey(CustomUser, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="%(app_label)s_%(class)s_owned")
    metadata = models.JSONField(default=dict)

    class Meta:
        abstract = True
