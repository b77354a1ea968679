"""The Canvas SDK's base classes and core models, as plugin models use them.

A plugin's models module imports ``CustomModel``, ``ModelExtension`` and the
core models it relates to from here instead of ``canvas_sdk``:

- ``CustomModel``: the base of a plugin's own models.  A concrete subclass
  gets the SDK's key, ``dbid`` (a bigint identity), unless one of its
  fields is the primary key (a ``OneToOneField(primary_key=True)``), its
  app label from its module (``my_plugin.models`` -> ``my_plugin``), so a
  module converts without a Django project around it, and the SDK's table
  name, the model's name in lower case, which the plugin's connection
  finds in its namespace through ``search_path``.  Its relations leave
  CASCADE and SET_NULL to cmodel (see ``_leave_on_delete_to_cmodel``).
- ``ModelExtension``: mixed into a core model, it makes a proxy of it
  (``class CustomStaff(Staff, ModelExtension)``), as the SDK does.
- ``Staff`` and ``Patient``: unmanaged models of the platform's core tables
  ``public.staff`` and ``public.patient`` (key ``dbid``), registered with
  cmodel as the core models "Staff" and "Patient".  Any other unmanaged
  model with a ``cmodel_core_model`` attribute (the core model's name)
  counts as a core model too.
"""

from django.db import models
from django.db.models.base import ModelBase

CORE_APP_LABEL = "cmodel_django"


def _is_field(value):
    return isinstance(value, models.Field)


class CmodelModelBase(ModelBase):
    """The metaclass of the package's base classes (see the module's text).

    It also remembers what Django rewrites while it builds the class, for
    the converter: the names of indexes Django named itself (a descriptor
    leaves them out, and cmodel names the index), and each relation's
    ``related_name`` as written, before Django fills in ``%(app_label)s``
    and ``%(class)s``.
    """

    def __new__(mcs, name, bases, attrs, **kwargs):
        module = attrs.get("__module__", "")
        meta = attrs.get("Meta")
        abstract = bool(getattr(meta, "abstract", False))
        extension = any("_cmodel_extension" in getattr(b, "__dict__", {}) for b in bases)
        concrete_parent = any(
            isinstance(b, ModelBase) and hasattr(b, "_meta") and not b._meta.abstract for b in bases
        )
        if meta is None:
            # as Django would: a class without a Meta takes its abstract base's
            inherited = next((b.Meta for b in bases if hasattr(b, "Meta")), None)
            meta = type("Meta", (inherited,) if inherited else (), {"abstract": False})
            attrs["Meta"] = meta
        if not abstract:
            if not getattr(meta, "app_label", None):
                meta.app_label = module.split(".")[0] if module else "plugin"
            if extension:
                meta.proxy = True
            elif not concrete_parent and not _declares_key(attrs, bases):
                key_name, make_key = _automatic_key(bases)
                attrs[key_name] = make_key()
        raw_related = {
            key: value.remote_field.related_name
            for key, value in attrs.items()
            if _is_field(value) and value.is_relation and value.remote_field.related_name is not None
        }
        unnamed = [i for i, index in enumerate(getattr(meta, "indexes", ())) if not index.name]
        cls = super().__new__(mcs, name, bases, attrs, **kwargs)
        cls._cmodel_raw_related = raw_related
        # Django names the class's copies of the indexes, in the same order
        cls._cmodel_auto_index_names = frozenset(
            cls._meta.indexes[i].name for i in unnamed if i < len(cls._meta.indexes)
        )
        if not abstract and not cls._meta.proxy and not extension:
            if not getattr(meta, "db_table", None) and core_model_name(cls) is None:
                # the SDK's table name: the model's, found through search_path
                cls._meta.db_table = cls._meta.model_name
                for field in cls._meta.local_many_to_many:
                    through = field.remote_field.through
                    if not isinstance(through, str) and through._meta.auto_created:
                        # Django named the implicit join table before the line above
                        through._meta.db_table = "%s_%s" % (cls._meta.db_table, field.name)
            _leave_on_delete_to_cmodel(cls)
        return cls


# The on_delete behaviours cmodel's triggers apply in the database.
DATABASE_ON_DELETE = frozenset(("CASCADE", "SET_NULL", "DO_NOTHING"))


def _leave_on_delete_to_cmodel(cls):
    """Let the database apply the class's on_delete rules, not Django's collector.

    cmodel applies CASCADE, SET_NULL and DO_NOTHING itself, in the
    database, whoever deletes the parent rows.  If Django's collector
    applied them too, a ``QuerySet.delete()`` would first read every child
    and grandchild into Python and delete them level by level, and then
    cmodel's triggers would look for children already gone.  So each such
    relation tells Django DO_NOTHING, and the original rule is kept as
    ``field.cmodel_on_delete`` for the converter: a delete of parents is
    one DELETE, and the database does the rest.  (Any other rule is left
    as it is; the converter passes it on, and cmodel refuses it.)
    """
    for field in cls._meta.local_fields:
        if not field.is_relation:
            continue
        rule = field.remote_field.on_delete
        if getattr(rule, "__name__", None) in DATABASE_ON_DELETE:
            field.cmodel_on_delete = rule
            field.remote_field.on_delete = models.DO_NOTHING


def _automatic_key(bases):
    """The key a class gets when it declares none: its base's ``cmodel_key``.

    ``cmodel_key`` is (field name, a function making the field): the SDK's
    ``("dbid", BigAutoField)`` for ``CustomModel``, Grit's UUID ``id`` for
    ``cmodel_django.grit.BaseModel``.
    """
    for base in bases:
        key = getattr(base, "cmodel_key", None)
        if key is not None:
            return key
    return "dbid", lambda: models.BigAutoField(primary_key=True)


def _declares_key(attrs, bases):
    """Does the class, or an abstract base of it, declare a primary key field?"""
    if any(_is_field(value) and value.primary_key for value in attrs.values()):
        return True
    for base in bases:
        meta = getattr(base, "_meta", None)
        if meta is not None and meta.abstract and any(f.primary_key for f in meta.local_fields):
            return True
    return False


class CustomModel(models.Model, metaclass=CmodelModelBase):
    """The base of a plugin's own models (the SDK's ``CustomModel``)."""

    cmodel_key = ("dbid", lambda: models.BigAutoField(primary_key=True))

    class Meta:
        abstract = True


class ModelExtension(models.Model, metaclass=CmodelModelBase):
    """Mixed into a core model: a proxy of it (the SDK's ``ModelExtension``)."""

    _cmodel_extension = True

    class Meta:
        abstract = True


def core_model(name, table, fields, module=__name__):
    """An unmanaged model of a platform table public.<table>, registered as core model name.

    fields are the table's columns as Django fields, its key among them.
    """

    class Meta:
        app_label = CORE_APP_LABEL
        db_table = table
        managed = False

    attrs = {
        "__module__": module,
        "__doc__": "The platform's table public.%s: core model %r." % (table, name),
        "cmodel_core_model": name,
        "Meta": Meta,
    }
    attrs.update(fields)
    return CmodelModelBase(name, (models.Model,), attrs)


def _canvas_core_model(name, table):
    """A Canvas core table: key dbid, the platform's text id, names."""
    return core_model(name, table, {
        "dbid": models.BigAutoField(primary_key=True),
        "id": models.TextField(unique=True),
        "first_name": models.TextField(null=True),
        "last_name": models.TextField(null=True),
    })


Staff = _canvas_core_model("Staff", "staff")
Patient = _canvas_core_model("Patient", "patient")

CORE_MODELS = (Staff, Patient)


def core_model_name(model):
    """The core model name of a Django model, or None when it is not one."""
    name = getattr(model, "cmodel_core_model", None)
    if isinstance(name, str) and "cmodel_core_model" in model.__dict__:
        return name
    return None
