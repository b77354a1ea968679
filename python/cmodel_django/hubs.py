"""The SDK's AttributeHub over a namespace's hub store and cmodel's hub functions.

A generated models module (generate.py) defines its namespace's class::

    class AttributeHub(cmodel_django.hubs.AttributeHub):
        namespace = "my_plugin"

and plugin code uses it as the SDK's::

    hub, created = AttributeHub.objects.get_or_create(type="staff_preferences", id="staff:1")
    hub.set_attributes({"pager_number": "555-1234", "office_hours": {"monday": "9-5"}})
    hub.get_attribute("pager_number")
    AttributeHub.objects.filter(type="staff_preferences", preferred_contact="email")

Every call is one statement on Django's connection (so it joins the ORM's
transactions) through cmodel's hub functions, whose values are typed: str
is text, int bigint (numeric past 64 bits), Decimal and float numeric
(exact: 1.50 stays 1.50), bool boolean, date date, an aware datetime
timestamptz, dict and list JSON, and None is a stored None, distinct from a
missing attribute (``get_attribute(name, default)`` returns the default
only for a missing one).
"""

import datetime
import decimal
import json

INT64 = 2 ** 63


def _sql_value(value):
    """(parameter, SQL type) for a Python value as cmodel's hub functions type it."""
    if value is None:
        return None, "text"
    if isinstance(value, bool):
        return value, "boolean"
    if isinstance(value, int):
        return value, "bigint" if -INT64 <= value < INT64 else "numeric"
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError("a hub cannot hold the number %s" % value)
        return value, "numeric"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("a hub cannot hold the number %r" % value)
        return decimal.Decimal(repr(value)), "numeric"
    if isinstance(value, str):
        return value, "text"
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("a hub's timestamps have a time zone: %r has none" % value)
        return value, "timestamptz"
    if isinstance(value, datetime.date):
        return value, "date"
    if isinstance(value, (dict, list)):
        return json.dumps(value), "jsonb"
    raise TypeError("a hub cannot hold a %s" % type(value).__name__)


def _decode(hub_text):
    """A hub's text form as {name: Python value}."""
    if hub_text is None:
        return None
    raw = json.loads(hub_text, parse_float=decimal.Decimal)
    types = raw.pop("$types", {})
    out = {}
    for name, value in raw.items():
        kind = types.get(name)
        if kind == "numeric":
            value = decimal.Decimal(value) if not isinstance(value, decimal.Decimal) else value
        elif kind == "date":
            value = datetime.date.fromisoformat(value)
        elif kind == "timestamptz":
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif kind == "json":
            value = _plain(value)
        out[name] = value
    return out


def _plain(value):
    """A JSON value with its non-integral numbers as floats, as json.loads gives them."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _hub_json(attributes):
    """{name: value} as the text of a hub (jsonb in a hub's form, with "$types")."""
    parts = []
    types = {}
    for name, value in attributes.items():
        if not isinstance(name, str):
            raise TypeError("hub attribute names are strings, not %r" % (name,))
        param, kind = _sql_value(value)
        if value is None:
            text = "null"
        elif kind == "numeric":
            text = str(param)
            types[name] = "numeric"
        elif kind == "date":
            text = json.dumps(param.isoformat())
            types[name] = "date"
        elif kind == "timestamptz":
            text = json.dumps(param.isoformat())
            types[name] = "timestamptz"
        elif kind == "jsonb":
            text = param
            types[name] = "json"
        else:
            text = json.dumps(param)
        parts.append("%s: %s" % (json.dumps(name), text))
    if types:
        parts.append('"$types": %s' % json.dumps(types))
    return "{%s}" % ", ".join(parts)


def _cursor():
    from django.db import connection

    return connection.cursor()


class DoesNotExist(LookupError):
    """No hub of that type and id."""


class HubManager:
    """``AttributeHub.objects``: the hubs of the class's namespace."""

    def __init__(self, hub_class=None):
        self.hub_class = hub_class

    def __get__(self, instance, owner):
        return HubManager(owner)

    @property
    def namespace(self):
        return self.hub_class.namespace

    def get_or_create(self, type, id):
        with _cursor() as cursor:
            cursor.execute("SELECT attrs::text, created FROM cmodel_hub_get_or_create(%s, %s, %s)",
                           [self.namespace, type, id])
            attrs, created = cursor.fetchone()
        return self.hub_class(type, id, _decode(attrs)), created

    def get(self, type, id):
        with _cursor() as cursor:
            cursor.execute("SELECT cmodel_hub_read(%s, %s, %s)::text", [self.namespace, type, id])
            attrs = cursor.fetchone()[0]
        if attrs is None:
            raise self.hub_class.DoesNotExist("no hub (%r, %r) in namespace %r" % (type, id, self.namespace))
        return self.hub_class(type, id, _decode(attrs))

    def filter(self, type=None, **conditions):
        """The hubs whose attributes match: name=value, name__gte=value (and __gt, __lt, __lte).

        The first condition is answered by the store's index (cmodel_hub_find); the
        others are checked on the hubs it finds.
        """
        if not conditions:
            raise ValueError("filter hubs by at least one attribute, e.g. filter(pager_number='555-1234')")
        ops = {"": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
        parsed = []
        for key, value in conditions.items():
            name, _, lookup = key.partition("__")
            if lookup not in ops:
                raise ValueError("unknown hub lookup %r (use %s)" % (lookup, ", ".join(sorted(ops))))
            parsed.append((name, ops[lookup], value))
        name, op, value = parsed[0]
        param, kind = _sql_value(value)
        with _cursor() as cursor:
            cursor.execute("SELECT type, id, attrs::text FROM cmodel_hub_find(%%s, cmodel.hub_query(%%s, %%s, %%s::%s)%s)"
                           " ORDER BY type, id" % (kind, ", %s" if type is not None else ""),
                           [self.namespace, name, op, param] + ([type] if type is not None else []))
            rows = cursor.fetchall()
        hubs = [self.hub_class(t, i, _decode(a)) for t, i, a in rows]
        return [hub for hub in hubs if all(_matches(hub.attributes, c) for c in parsed[1:])]


def _matches(attributes, condition):
    name, op, value = condition
    if name not in attributes:
        return False
    have = attributes[name]
    try:
        return {"=": have == value, ">": have > value, ">=": have >= value, "<": have < value,
                "<=": have <= value}[op]
    except TypeError:
        return False


class AttributeHub:
    """One hub of a namespace's store (subclass it with ``namespace`` set)."""

    namespace = None
    objects = HubManager()
    DoesNotExist = DoesNotExist

    def __init__(self, type, id, attributes=None):
        self.type = type
        self.id = id
        self.attributes = dict(attributes or {})

    def __repr__(self):
        return "<%s %s:%s>" % (type(self).__name__, self.type, self.id)

    def _call(self, sql, params):
        with _cursor() as cursor:
            cursor.execute(sql, [self.namespace, self.type, self.id] + list(params))
            return cursor.fetchone()[0] if cursor.description else None

    def refresh_from_db(self):
        text = self._call("SELECT cmodel_hub_read(%s, %s, %s)::text", [])
        self.attributes = _decode(text) or {}

    def get_attribute(self, name, default=None):
        """The attribute's value (None for a stored None), or default when it is missing."""
        self.refresh_from_db()
        return self.attributes[name] if name in self.attributes else default

    def has_attribute(self, name):
        return bool(self._call("SELECT cmodel_hub_has(%s, %s, %s, %s)", [name]))

    def set_attribute(self, name, value):
        param, kind = _sql_value(value)
        self._call("SELECT cmodel_hub_set(%%s, %%s, %%s, %%s, %%s::%s)" % kind, [name, param])
        self.attributes[name] = value

    def set_attributes(self, attributes):
        """Set every attribute of the mapping in one statement."""
        self._call("SELECT cmodel_hub_set_many(%s, %s, %s, %s::jsonb)", [_hub_json(attributes)])
        self.attributes.update(attributes)

    def delete_attribute(self, name):
        """Remove the attribute: True only if it was there."""
        gone = bool(self._call("SELECT cmodel_hub_delete_attribute(%s, %s, %s, %s)", [name]))
        self.attributes.pop(name, None)
        return gone

    def delete(self):
        """Delete the hub: True only if it was there."""
        return bool(self._call("SELECT cmodel_hub_delete(%s, %s, %s)", []))
