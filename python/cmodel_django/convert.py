"""Django model classes to cmodel model descriptors.

``models_to_descriptors(source)`` takes a models module (its own model
classes, in the order they are defined) or a list of model classes and
returns one descriptor (a dict, as ``cmodel_register_models`` takes them
in a JSON array) per class.  A field's options are read from Django's own
``deconstruct()``, which gives exactly the options the class states, and
carry Django's names, as descriptors do.  What cmodel's descriptors cannot
say is a ``ConversionError`` naming the class and the field: a callable
default (but ``uuid.uuid4``), ``unique=True`` (under Canvas's rules), a
CheckConstraint,
multi-table inheritance, an option without an equivalent (``dict`` and
``list``, Django's way to default a JSONField to ``{}`` or ``[]``, are
those values).  Nothing is
dropped silently.  Whether the descriptors are valid (relations to
declared models, index rules, names) is cmodel's to judge at registration:
the converter does not repeat its rules.

Abstract bases are flattened, as Django flattens them: a model's
descriptor lists its inherited fields and Meta with its own.
"""

import datetime
import decimal
import inspect
import uuid

from django.db import models
from django.db.models import Q

from .sdk import CmodelModelBase, core_model_name

# Django field classes and the descriptor types they are.  Exact classes: a
# subclass (an AutoField, a custom field) is not silently taken for its base.
FIELD_TYPES = {
    models.TextField: "TextField",
    models.CharField: "CharField",
    models.EmailField: "EmailField",
    models.URLField: "URLField",
    models.SlugField: "SlugField",
    models.IntegerField: "IntegerField",
    models.BigIntegerField: "BigIntegerField",
    models.SmallIntegerField: "SmallIntegerField",
    models.FloatField: "FloatField",
    models.DecimalField: "DecimalField",
    models.BooleanField: "BooleanField",
    models.DateField: "DateField",
    models.DateTimeField: "DateTimeField",
    models.TimeField: "TimeField",
    models.DurationField: "DurationField",
    models.UUIDField: "UUIDField",
    models.JSONField: "JSONField",
    models.AutoField: "AutoField",              # a primary key: Django's rules only
    models.BigAutoField: "BigAutoField",
    models.SmallAutoField: "SmallAutoField",
    models.ForeignKey: "ForeignKey",
    models.OneToOneField: "OneToOneField",
    models.ManyToManyField: "ManyToManyField",
}

# deconstruct() keywords that are descriptor options of the same name and value.
PLAIN_OPTIONS = (
    "null", "blank", "max_length", "max_digits", "decimal_places", "auto_now", "auto_now_add",
    "db_index", "primary_key", "verbose_name", "help_text", "to_field", "related_query_name",
    "through_fields", "symmetrical",
)

# deconstruct() keywords Django adds itself: a primary key is never serialized.
IGNORED_OPTIONS = ("serialize",)

# Meta options (as the class states them) that descriptors record as they are.
META_PLAIN = ("ordering", "verbose_name", "verbose_name_plural", "unique_together", "index_together")
# Meta options the package itself sets, or that are read elsewhere.
META_HANDLED = ("abstract", "proxy", "app_label", "indexes", "constraints")


class ConversionError(ValueError):
    """A model states something cmodel's descriptors cannot.

    ``model`` and ``field`` (None for Meta) name where; the message says
    what, and what to do instead.
    """

    def __init__(self, model, field, message):
        self.model = model
        self.field = field
        where = "model %s" % model if field is None else "field %s.%s" % (model, field)
        super().__init__("%s: %s" % (where, message))


def _model_classes(source):
    """The model classes of a module (its own, in definition order), or the given ones."""
    if inspect.ismodule(source):
        return [
            value
            for value in vars(source).values()
            if inspect.isclass(value)
            and issubclass(value, models.Model)
            and value.__module__ == source.__name__
        ]
    return list(source)


# The rule sets a namespace is created with (cmodel_create_namespace).
RULES = ("canvas", "django")


def models_to_descriptors(source, rules="canvas"):
    """The cmodel descriptors of a models module or of a list of model classes.

    rules is the rule set of the namespace they are for.  Under Canvas's
    (the default) ``unique=True`` is refused here, and a ManyToManyField
    needs a ``through`` model, as the SDK says.  Under Django's,
    ``unique=True`` carries over, and the join table Django makes for a
    ManyToManyField without one becomes a descriptor of its own (Django's
    auto-created through model: its key, a ForeignKey to each side, both
    unique together), named as Django names it.
    """
    if rules not in RULES:
        raise ValueError("rules must be one of %s, not %r" % (", ".join(RULES), rules))
    models_ = _model_classes(source)
    out = [model_descriptor(model, rules) for model in models_]
    if rules == "django":
        out.extend(_auto_through_descriptor(model, field)
                   for model in models_ if not model._meta.abstract and not model._meta.proxy
                   for field in model._meta.local_many_to_many
                   if field.remote_field.through._meta.auto_created)
    return out


def _auto_through_descriptor(model, field):
    """The descriptor of the join table Django made for a ManyToManyField without through."""
    through = field.remote_field.through
    fields = []
    for f in through._meta.local_fields:
        if f.primary_key:
            fields.append({"name": f.name, "type": FIELD_TYPES[type(f)], "primary_key": True})
        else:
            target = f.remote_field.model
            fields.append({"name": f.name, "type": "ForeignKey", "to": core_model_name(target) or target.__name__,
                           "on_delete": "CASCADE", "related_name": f.remote_field.related_name})
    return {"name": through.__name__, "fields": fields,
            "meta": {"unique_together": [list(pair) for pair in through._meta.unique_together]}}


def _descriptor_name(model, target):
    """How a descriptor names a relation's target model."""
    if target is model:
        return "self"
    core = core_model_name(target)
    return core if core else target.__name__


def model_descriptor(model, rules="canvas"):
    """The descriptor of one Django model class (rules: see models_to_descriptors)."""
    name = model.__name__
    meta = model._meta
    if not isinstance(model, CmodelModelBase) or core_model_name(model):
        raise ConversionError(name, None, "is not a CustomModel or a ModelExtension; "
                              "subclass cmodel_django.CustomModel (or mix ModelExtension into a core model; "
                              "Grit's models subclass cmodel_django.grit.BaseModel)")
    if meta.proxy:
        base = meta.proxy_for_model
        return {"name": name, "bases": [_descriptor_name(model, base)], "meta": {"proxy": True}}
    if not meta.abstract and meta.parents:
        parents = ", ".join(parent.__name__ for parent in meta.parents)
        raise ConversionError(name, None, "inherits from the concrete model %s (multi-table inheritance), "
                              "which cmodel does not make; inherit from an abstract model, or relate "
                              "to %s with a OneToOneField" % (parents, parents))
    fields = sorted(meta.local_fields + meta.local_many_to_many, key=lambda f: f.creation_counter)
    descriptor = {"name": name, "fields": [_field(model, f, rules) for f in fields if not _is_sdk_key(f)]}
    descriptor_meta = _meta(model)
    if descriptor_meta:
        descriptor["meta"] = descriptor_meta
    return descriptor


def _is_sdk_key(field):
    """The key the SDK gives every model, which descriptors leave to cmodel."""
    return field.name == "dbid" and field.primary_key and type(field) is models.BigAutoField


def _raw_related_name(model, field_name):
    """A relation's related_name as the class wrote it (before %(app_label)s is filled in)."""
    for klass in model.__mro__:
        raw = getattr(klass, "__dict__", {}).get("_cmodel_raw_related", {})
        if field_name in raw:
            return raw[field_name]
    return None


def _field(model, field, rules):
    name = model.__name__
    kind = FIELD_TYPES.get(type(field))
    if kind is None:
        raise ConversionError(name, field.name, "is a %s, which cmodel has no column type for; use one of %s"
                              % (type(field).__name__, ", ".join(sorted(FIELD_TYPES.values()))))
    _, _, args, kwargs = field.deconstruct()
    out = {"name": field.name, "type": kind}
    for key, value in kwargs.items():
        if key in IGNORED_OPTIONS:
            continue
        if key in PLAIN_OPTIONS:
            out[key] = list(value) if isinstance(value, tuple) else value
        elif key == "default":
            out["default"] = _value(name, field.name, value)
        elif key == "to":
            out["to"] = _descriptor_name(model, field.remote_field.model)
        elif key == "on_delete":
            # the rule as written (the class hands CASCADE and SET_NULL to cmodel)
            out["on_delete"] = _on_delete(name, field, getattr(field, "cmodel_on_delete", None) or value)
        elif key == "choices":
            out["choices"] = _choices(name, field.name, value)
        elif key == "related_name":
            out["related_name"] = _raw_related_name(model, field.name) or value
        elif key == "through":
            out["through"] = field.remote_field.through.__name__
        elif key == "unique" and rules == "django":
            out["unique"] = value
        elif key == "unique":
            raise ConversionError(name, field.name, "has unique=True, which Canvas's rules refuse; "
                                  "add a UniqueConstraint on the field to Meta.constraints, or convert "
                                  "with rules='django' for a namespace created with Django's rules")
        else:
            raise ConversionError(name, field.name, "has the option %s=%r, which cmodel's descriptors "
                                  "have no equivalent for; remove it" % (key, value))
    if kind == "ManyToManyField" and rules == "django" and field.remote_field.through._meta.auto_created:
        through = field.remote_field.through
        out["through"] = through.__name__
        if field.remote_field.model is model:
            out["through_fields"] = [field.m2m_field_name(), field.m2m_reverse_field_name()]
    if kind == "ManyToManyField":
        # deconstruct() (Django 3.2) leaves these two out
        if field.remote_field.through_fields:
            out["through_fields"] = list(field.remote_field.through_fields)
        if field.remote_field.model is model and not field.remote_field.symmetrical:
            out["symmetrical"] = False
    if "to" in out and isinstance(field.remote_field.model, str):
        raise ConversionError(name, field.name, "points at %r, which is not a model Django knows; "
                              "define or import it first" % field.remote_field.model)
    return out


def _value(model_name, field_name, value):
    """A field default (or a condition's value) as a descriptor's JSON value."""
    if value is uuid.uuid4:
        return "uuid4"
    if value is dict or value is list:
        return value()              # Django's idiom for a JSONField's empty default
    if callable(value):
        raise ConversionError(model_name, field_name, "has the callable default %s, which only runs in "
                              "Python (cmodel's defaults are values the database applies); use a constant "
                              "(or uuid.uuid4 for a UUIDField)" % getattr(value, "__name__", repr(value)))
    if isinstance(value, decimal.Decimal):
        return float(value) if decimal.Decimal(repr(float(value))) == value else str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _choices(model_name, field_name, choices):
    """Django's choices as descriptor pairs: [[value, label], ...], groups as [name, pairs]."""
    if isinstance(choices, dict):
        choices = choices.items()
    out = []
    for value, label in choices:
        if isinstance(label, (list, tuple, dict)):
            out.append([str(value), _choices(model_name, field_name, label)])
        else:
            out.append([_value(model_name, field_name, value), str(label)])
    return out


def _on_delete(model_name, field, value):
    name = getattr(value, "__name__", None)
    if name not in ("CASCADE", "SET_NULL", "DO_NOTHING", "PROTECT", "RESTRICT", "SET_DEFAULT"):
        raise ConversionError(model_name, field.name, "has an on_delete (%r) cmodel does not apply; use "
                              "CASCADE, SET_NULL or DO_NOTHING" % (value,))
    return name


def condition(model_name, q):
    """A Q of ANDed lookups as a descriptor condition: {"field__lookup": value, ...}."""
    if not isinstance(q, Q) or q.negated or (q.connector != Q.AND and len(q.children) > 1):
        raise ConversionError(model_name, None, "has the condition %r, which is not a plain AND of lookups; "
                              "cmodel's conditions are Q(a=1, b__gte=2) forms" % (q,))
    out = {}
    for child in q.children:
        if isinstance(child, Q):
            out.update(condition(model_name, child))
        else:
            key, value = child
            out[key] = _value(model_name, key, value)
    return out


def _index(model, index):
    name = model.__name__
    kind = type(index).__name__
    if kind not in ("Index", "GinIndex"):
        raise ConversionError(name, None, "has the index %s (%s), which cmodel does not make; use Index or "
                              "GinIndex" % (index.name, kind))
    if (getattr(index, "expressions", ()) or index.opclasses or index.include
            or getattr(index, "db_tablespace", None)):
        raise ConversionError(name, None, "has the index %s with expressions, opclasses, include or a "
                              "tablespace, which descriptors cannot state; index fields" % index.name)
    out = {"fields": list(index.fields)}
    if kind == "GinIndex":
        out = {"type": "GinIndex", "fields": list(index.fields)}
    if index.name not in model._cmodel_auto_index_names:
        out["name"] = index.name
    if index.condition is not None:
        out["condition"] = condition(name, index.condition)
    return out


def _constraint(model, constraint):
    name = model.__name__
    if type(constraint) is not models.UniqueConstraint:
        raise ConversionError(name, None, "has the constraint %s (%s), which cmodel does not make: only "
                              "UniqueConstraint; check values in the plugin instead"
                              % (constraint.name, type(constraint).__name__))
    if (getattr(constraint, "expressions", ()) or constraint.include or constraint.opclasses
            or constraint.deferrable):
        raise ConversionError(name, None, "has the constraint %s with expressions, include, opclasses or "
                              "deferrable, which descriptors cannot state" % constraint.name)
    out = {"type": "UniqueConstraint", "fields": list(constraint.fields), "name": constraint.name}
    if constraint.condition is not None:
        out["condition"] = condition(name, constraint.condition)
    return out


def _meta(model):
    meta = model._meta
    stated = meta.original_attrs
    out = {}
    if meta.abstract:
        out["abstract"] = True
    for key in stated:
        if key not in META_PLAIN and key not in META_HANDLED:
            raise ConversionError(model.__name__, None, "has Meta.%s, which cmodel's descriptors have no "
                                  "equivalent for; remove it" % key)
    for key in META_PLAIN:
        if key in stated:
            value = stated[key]
            out[key] = [list(v) if isinstance(v, (list, tuple)) else v for v in value] \
                if isinstance(value, (list, tuple)) else value
    indexes = [_index(model, index) for index in meta.indexes]
    if indexes:
        out["indexes"] = indexes
    constraints = [_constraint(model, constraint) for constraint in meta.constraints]
    if constraints:
        out["constraints"] = constraints
    return out
