"""Unit tests of the converter: Django model classes to cmodel descriptors.

No server: these check the descriptors themselves.  Every test defines its
models in a module of its own (``__module__``), which is their app label.
"""

import datetime
import decimal
import json
import os
import unittest
import uuid

from cmodel_django import ConversionError, CustomModel, ModelExtension, Staff, models_to_descriptors
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "..", "demo", "seed_models.json")


def without_key_to_field(descriptors):
    """The descriptors with to_field left out where it names the target's key (dbid).

    Django's deconstruct() leaves an explicit to_field="dbid" out (it is the
    key), and cmodel takes a relation without to_field to the target's key:
    the two register the same column.
    """
    out = json.loads(json.dumps(descriptors))
    for descriptor in out:
        for field in descriptor.get("fields", []):
            if field.get("to_field") == "dbid":
                del field["to_field"]
    return out


class SeedModels(unittest.TestCase):
    def test_seed_module_converts_to_the_demo_descriptors(self):
        from my_plugin import models as seed

        with open(DEMO) as f:
            demo = json.load(f)
        got = models_to_descriptors(seed)
        self.assertEqual([d["name"] for d in got], [d["name"] for d in demo])
        self.assertEqual(without_key_to_field(got), without_key_to_field(demo))

    def test_descriptors_are_json(self):
        from my_plugin import models as seed

        text = json.dumps(models_to_descriptors(seed))
        self.assertIn('"%(app_label)s__certifications"', text)

    def test_a_list_of_classes_converts_in_its_order(self):
        from my_plugin import models as seed

        got = models_to_descriptors([seed.Department, seed.HealthCoach])
        self.assertEqual([d["name"] for d in got], ["Department", "HealthCoach"])


def field_of(model, name):
    (descriptor,) = models_to_descriptors([model])
    return next(f for f in descriptor["fields"] if f["name"] == name)


class FieldTypes(unittest.TestCase):
    def test_every_column_type(self):
        class AllTypes(CustomModel):
            __module__ = "t_types.models"
            t = models.TextField()
            c = models.CharField(max_length=40)
            e = models.EmailField(max_length=120)
            u = models.URLField(max_length=200)
            s = models.SlugField(max_length=50)
            i = models.IntegerField()
            b = models.BigIntegerField()
            si = models.SmallIntegerField()
            fl = models.FloatField()
            d = models.DecimalField(max_digits=10, decimal_places=2)
            bo = models.BooleanField()
            da = models.DateField()
            dt = models.DateTimeField()
            ti = models.TimeField()
            du = models.DurationField()
            uu = models.UUIDField()
            j = models.JSONField()

        (descriptor,) = models_to_descriptors([AllTypes])
        self.assertEqual(
            [(f["name"], f["type"]) for f in descriptor["fields"]],
            [("t", "TextField"), ("c", "CharField"), ("e", "EmailField"), ("u", "URLField"),
             ("s", "SlugField"), ("i", "IntegerField"), ("b", "BigIntegerField"),
             ("si", "SmallIntegerField"), ("fl", "FloatField"), ("d", "DecimalField"),
             ("bo", "BooleanField"), ("da", "DateField"), ("dt", "DateTimeField"), ("ti", "TimeField"),
             ("du", "DurationField"), ("uu", "UUIDField"), ("j", "JSONField")])
        self.assertEqual(field_of(AllTypes, "c")["max_length"], 40)
        self.assertEqual(field_of(AllTypes, "d")["max_digits"], 10)
        self.assertEqual(field_of(AllTypes, "d")["decimal_places"], 2)
        self.assertNotIn("max_length", field_of(AllTypes, "t"))

    def test_options_with_their_django_names(self):
        class Options(CustomModel):
            __module__ = "t_options.models"
            a = models.TextField(null=True, blank=True, db_index=True, verbose_name="A a",
                                 help_text="the a")
            stamp = models.DateTimeField(auto_now=True)
            made = models.DateField(auto_now_add=True)

        a = field_of(Options, "a")
        self.assertEqual((a["null"], a["blank"], a["db_index"], a["verbose_name"], a["help_text"]),
                         (True, True, True, "A a", "the a"))
        self.assertTrue(field_of(Options, "stamp")["auto_now"])
        self.assertTrue(field_of(Options, "made")["auto_now_add"])
        self.assertNotIn("editable", field_of(Options, "stamp"))

    def test_defaults(self):
        class Defaults(CustomModel):
            __module__ = "t_defaults.models"
            u = models.UUIDField(default=uuid.uuid4)
            j = models.JSONField(default=dict)
            k = models.JSONField(default=list)
            o = models.JSONField(default={"a": [1, 2]})
            d = models.DecimalField(max_digits=5, decimal_places=2, default=decimal.Decimal("1.25"))
            e = models.DecimalField(max_digits=30, decimal_places=20,
                                    default=decimal.Decimal("0.10000000000000000001"))
            day = models.DateField(default=datetime.date(2024, 2, 29))
            n = models.IntegerField(default=7)
            b = models.BooleanField(default=False)
            t = models.TextField(default="x")

        self.assertEqual(field_of(Defaults, "u")["default"], "uuid4")
        self.assertEqual(field_of(Defaults, "j")["default"], {})
        self.assertEqual(field_of(Defaults, "k")["default"], [])
        self.assertEqual(field_of(Defaults, "o")["default"], {"a": [1, 2]})
        self.assertEqual(field_of(Defaults, "d")["default"], 1.25)
        self.assertEqual(field_of(Defaults, "e")["default"], "0.10000000000000000001",
                         "a decimal a float would change stays exact, as text")
        self.assertEqual(field_of(Defaults, "day")["default"], "2024-02-29")
        self.assertEqual(field_of(Defaults, "n")["default"], 7)
        self.assertIs(field_of(Defaults, "b")["default"], False)
        self.assertEqual(field_of(Defaults, "t")["default"], "x")


class Relations(unittest.TestCase):
    def test_relations_to_core_proxies_self_and_models(self):
        class CoachStaff(Staff, ModelExtension):
            __module__ = "t_rel.models"

        class Team(CustomModel):
            __module__ = "t_rel.models"
            name = models.TextField()

        class Member(CustomModel):
            __module__ = "t_rel.models"
            staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
            coach = models.ForeignKey(CoachStaff, on_delete=models.SET_NULL, null=True,
                                      related_name="%(app_label)s_members")
            team = models.ForeignKey(Team, on_delete=models.DO_NOTHING, related_name="members",
                                     related_query_name="member")
            mentor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True,
                                       related_name="mentees")

        got = models_to_descriptors([CoachStaff, Team, Member])
        self.assertEqual(got[0], {"name": "CoachStaff", "bases": ["Staff"], "meta": {"proxy": True}})
        fields = {f["name"]: f for f in got[2]["fields"]}
        self.assertEqual((fields["staff"]["to"], fields["staff"]["on_delete"], fields["staff"]["related_name"]),
                         ("Staff", "CASCADE", "+"))
        self.assertEqual(fields["coach"]["to"], "CoachStaff")
        self.assertEqual(fields["coach"]["related_name"], "%(app_label)s_members",
                         "%(app_label)s is kept as written, not filled in")
        self.assertEqual(fields["team"]["related_query_name"], "member")
        self.assertEqual(fields["mentor"]["to"], "self")

    def test_many_to_many_through(self):
        class Tag(CustomModel):
            __module__ = "t_m2m.models"
            label = models.TextField()
            items = models.ManyToManyField("Item", through="Tagging", through_fields=("tag", "item"),
                                           related_name="tags")

        class Item(CustomModel):
            __module__ = "t_m2m.models"
            name = models.TextField()

        class Tagging(CustomModel):
            __module__ = "t_m2m.models"
            tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="taggings")
            item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="taggings")

        items = field_of(Tag, "items")
        self.assertEqual((items["type"], items["to"], items["through"], items["through_fields"]),
                         ("ManyToManyField", "Item", "Tagging", ["tag", "item"]))

    def test_one_to_one_primary_key_replaces_dbid(self):
        class Profile(CustomModel):
            __module__ = "t_o2o.models"
            staff = models.OneToOneField(Staff, on_delete=models.CASCADE, primary_key=True,
                                         related_name="%(app_label)s_profile")

        (descriptor,) = models_to_descriptors([Profile])
        self.assertEqual([f["name"] for f in descriptor["fields"]], ["staff"])
        self.assertTrue(descriptor["fields"][0]["primary_key"])
        self.assertEqual(Profile._meta.pk.name, "staff")

    def test_a_model_gets_dbid_for_the_orm(self):
        class Plain(CustomModel):
            __module__ = "t_dbid.models"
            name = models.TextField()

        self.assertEqual(Plain._meta.pk.name, "dbid")
        self.assertEqual(Plain._meta.app_label, "t_dbid")
        (descriptor,) = models_to_descriptors([Plain])
        self.assertEqual([f["name"] for f in descriptor["fields"]], ["name"])


class Meta(unittest.TestCase):
    def test_indexes_constraints_and_conditions(self):
        class Visit(CustomModel):
            __module__ = "t_meta.models"
            kind = models.TextField()
            active = models.BooleanField()
            age = models.IntegerField()
            data = models.JSONField()
            at = models.DateTimeField()

            class Meta:
                indexes = [
                    models.Index(fields=["kind", "-at"], name="by_kind"),
                    models.Index(fields=["age"], name="adults", condition=Q(active=True, age__gte=18)),
                    GinIndex(fields=["data"], name="data_gin"),
                ]
                constraints = [
                    models.UniqueConstraint(fields=["kind"], name="one_active_kind", condition=Q(active=True)),
                ]
                ordering = ["-at"]
                verbose_name = "visit record"
                unique_together = [("kind", "age")]
                index_together = [("age", "at")]

        (descriptor,) = models_to_descriptors([Visit])
        meta = descriptor["meta"]
        self.assertEqual(meta["indexes"], [
            {"fields": ["kind", "-at"], "name": "by_kind"},
            {"fields": ["age"], "name": "adults", "condition": {"active": True, "age__gte": 18}},
            {"type": "GinIndex", "fields": ["data"], "name": "data_gin"},
        ])
        self.assertEqual(meta["constraints"], [
            {"type": "UniqueConstraint", "fields": ["kind"], "name": "one_active_kind",
             "condition": {"active": True}},
        ])
        self.assertEqual(meta["ordering"], ["-at"])
        self.assertEqual(meta["verbose_name"], "visit record")
        self.assertEqual(meta["unique_together"], [["kind", "age"]])
        self.assertEqual(meta["index_together"], [["age", "at"]])

    def test_abstract_bases_are_flattened_and_stated(self):
        class Stamped(CustomModel):
            __module__ = "t_abstract.models"
            created = models.DateTimeField(auto_now_add=True)

            class Meta:
                abstract = True
                indexes = [models.Index(fields=["-created"], name="%(class)s_recent")]

        class Note(Stamped):
            __module__ = "t_abstract.models"
            body = models.TextField()

        got = models_to_descriptors([Stamped, Note])
        self.assertEqual(got[0]["meta"]["abstract"], True)
        self.assertEqual([f["name"] for f in got[1]["fields"]], ["created", "body"])
        self.assertEqual(got[1]["meta"]["indexes"], [{"fields": ["-created"], "name": "note_recent"}])
        self.assertEqual(Note._meta.pk.name, "dbid")


class Refused(unittest.TestCase):
    """Whatever a descriptor cannot say is an error naming the class and field."""

    def assert_refused(self, models_list, model, field, words):
        with self.assertRaises(ConversionError) as caught:
            models_to_descriptors(models_list)
        self.assertEqual((caught.exception.model, caught.exception.field), (model, field))
        self.assertIn(words, str(caught.exception))
        prefix = "model %s" % model if field is None else "field %s.%s" % (model, field)
        self.assertTrue(str(caught.exception).startswith(prefix), str(caught.exception))

    def test_callable_default(self):
        def today():
            return datetime.date.today()

        class Call(CustomModel):
            __module__ = "t_no_call.models"
            day = models.DateField(default=today)

        self.assert_refused([Call], "Call", "day", "callable default today")

    def test_unique(self):
        class Uniq(CustomModel):
            __module__ = "t_no_unique.models"
            code = models.TextField(unique=True)

        self.assert_refused([Uniq], "Uniq", "code", "UniqueConstraint")

    def test_check_constraint(self):
        class Checked(CustomModel):
            __module__ = "t_no_check.models"
            n = models.IntegerField()

            class Meta:
                constraints = [models.CheckConstraint(check=Q(n__gte=0), name="n_positive")]

        self.assert_refused([Checked], "Checked", None, "CheckConstraint")

    def test_multi_table_inheritance(self):
        class Parent(CustomModel):
            __module__ = "t_no_mti.models"
            name = models.TextField()

        class Child(Parent):
            __module__ = "t_no_mti.models"
            extra = models.TextField()

        self.assert_refused([Child], "Child", None, "multi-table inheritance")

    def test_field_types_without_a_column_type(self):
        class Binary(CustomModel):
            __module__ = "t_no_binary.models"
            blob = models.BinaryField()

        self.assert_refused([Binary], "Binary", "blob", "BinaryField")

    def test_options_without_an_equivalent(self):
        class Editable(CustomModel):
            __module__ = "t_no_editable.models"
            status = models.TextField(editable=False)

        self.assert_refused([Editable], "Editable", "status", "editable")

        class Column(CustomModel):
            __module__ = "t_no_column.models"
            status = models.TextField(db_column="st")

        self.assert_refused([Column], "Column", "status", "db_column")

    def test_meta_without_an_equivalent(self):
        class Tabled(CustomModel):
            __module__ = "t_no_table.models"
            n = models.IntegerField()

            class Meta:
                db_table = "elsewhere"

        self.assert_refused([Tabled], "Tabled", None, "Meta.db_table")

    def test_conditions_that_are_not_an_and_of_lookups(self):
        class Either(CustomModel):
            __module__ = "t_no_or.models"
            a = models.BooleanField()
            b = models.BooleanField()

            class Meta:
                indexes = [models.Index(fields=["a"], name="a_or_b", condition=Q(a=True) | Q(b=True))]

        self.assert_refused([Either], "Either", None, "not a plain AND")

        class Negated(CustomModel):
            __module__ = "t_no_not.models"
            a = models.BooleanField()

            class Meta:
                indexes = [models.Index(fields=["a"], name="not_a", condition=~Q(a=True))]

        self.assert_refused([Negated], "Negated", None, "not a plain AND")

    def test_an_on_delete_cmodel_does_not_apply(self):
        class Setter(CustomModel):
            __module__ = "t_no_set.models"
            staff = models.ForeignKey(Staff, on_delete=models.SET(0), related_name="+")

        self.assert_refused([Setter], "Setter", "staff", "on_delete")

    def test_a_plain_django_model(self):
        class Plain(models.Model):
            __module__ = "t_no_plain.models"
            n = models.IntegerField()

            class Meta:
                app_label = "t_no_plain"

        self.assert_refused([Plain], "Plain", None, "not a CustomModel")


if __name__ == "__main__":
    unittest.main()


class OnDeleteInTheDatabase(unittest.TestCase):
    def test_relations_leave_cascade_and_set_null_to_cmodel(self):
        class Box(CustomModel):
            __module__ = "t_od.models"

        class Item(CustomModel):
            __module__ = "t_od.models"
            box = models.ForeignKey(Box, on_delete=models.CASCADE)
            spare = models.ForeignKey(Box, on_delete=models.SET_NULL, null=True, related_name="spares")
            seen = models.ForeignKey(Box, on_delete=models.DO_NOTHING, related_name="seen_by")

        # Django's collector sees DO_NOTHING everywhere: a delete is one DELETE
        self.assertEqual({f.remote_field.on_delete for f in Item._meta.local_fields if f.is_relation},
                         {models.DO_NOTHING})
        self.assertEqual(Item._meta.db_table, "item")
        (_, item) = models_to_descriptors([Box, Item])
        self.assertEqual([f["on_delete"] for f in item["fields"]], ["CASCADE", "SET_NULL", "DO_NOTHING"])


class DjangoRules(unittest.TestCase):
    """rules="django": what a namespace created with Django's rules takes."""

    def test_unique_keys_and_automatic_keys_carry_over(self):
        class Code(CustomModel):
            __module__ = "t_dj_keys.models"
            code = models.CharField(max_length=8, primary_key=True)
            label = models.CharField(max_length=20, unique=True)

        class Counter(CustomModel):
            __module__ = "t_dj_keys.models"
            id = models.AutoField(primary_key=True)
            big = models.ForeignKey(Code, on_delete=models.CASCADE)

        code, counter = models_to_descriptors([Code, Counter], rules="django")
        self.assertEqual(code["fields"], [
            {"name": "code", "type": "CharField", "primary_key": True, "max_length": 8},
            {"name": "label", "type": "CharField", "max_length": 20, "unique": True}])
        self.assertEqual(counter["fields"][0], {"name": "id", "type": "AutoField", "primary_key": True})
        # under Canvas's rules the converter refuses unique=True, cmodel the keys
        with self.assertRaises(ConversionError) as caught:
            models_to_descriptors([Code])
        self.assertEqual((caught.exception.model, caught.exception.field), ("Code", "label"))
        with self.assertRaises(ValueError):
            models_to_descriptors([Code], rules="grit")

    def test_a_many_to_many_without_through_gets_djangos_join_table(self):
        class Member(CustomModel):
            __module__ = "t_dj_m2m.models"

        class Club(CustomModel):
            __module__ = "t_dj_m2m.models"
            members = models.ManyToManyField(Member)
            friends = models.ManyToManyField("self")

        member, club, members, friends = models_to_descriptors([Member, Club], rules="django")
        self.assertEqual(club["fields"][0], {"name": "members", "type": "ManyToManyField", "to": "Member",
                                             "through": "Club_members"})
        self.assertEqual(club["fields"][1]["through_fields"], ["from_club", "to_club"])
        self.assertEqual(members, {
            "name": "Club_members",
            "fields": [{"name": "id", "type": "BigAutoField", "primary_key": True},
                       {"name": "club", "type": "ForeignKey", "to": "Club", "on_delete": "CASCADE",
                        "related_name": "Club_members+"},
                       {"name": "member", "type": "ForeignKey", "to": "Member", "on_delete": "CASCADE",
                        "related_name": "Club_members+"}],
            "meta": {"unique_together": [["club", "member"]]}})
        self.assertEqual([f["name"] for f in friends["fields"]], ["id", "from_club", "to_club"])
        self.assertEqual(Club.members.through._meta.db_table, "club_members")
        # Canvas's rules: no join table of its own (cmodel asks for a through model)
        self.assertNotIn("through", models_to_descriptors([Member, Club])[1]["fields"][0])

    def test_grit_base_model(self):
        from cmodel_django.grit import BaseModel

        class Lead(BaseModel):
            __module__ = "t_grit.models"
            email = models.EmailField(max_length=255, blank=True)

        class Category(BaseModel):
            __module__ = "t_grit.models"
            code = models.CharField(max_length=50, primary_key=True)

        lead, category = models_to_descriptors([Lead, Category], rules="django")
        by_name = {f["name"]: f for f in lead["fields"]}
        self.assertEqual(by_name["id"], {"name": "id", "type": "UUIDField", "primary_key": True, "default": "uuid4"})
        self.assertEqual(by_name["owner"]["to"], "CustomUser")
        self.assertEqual(by_name["owner"]["on_delete"], "SET_NULL")
        self.assertEqual(by_name["metadata"]["default"], {})
        self.assertEqual([f["name"] for f in lead["fields"]],
                         ["created_at", "updated_at", "owner", "metadata", "email", "id"])
        # a class with its own primary key gets no id, as Django adds none
        self.assertNotIn("id", [f["name"] for f in category["fields"]])
        self.assertEqual(Category._meta.pk.name, "code")


class Choices(unittest.TestCase):
    def test_choices_are_recorded_as_pairs(self):
        class Deal(CustomModel):
            __module__ = "t_choices.models"
            Stage = models.TextChoices("Stage", "OPEN WON")
            status = models.CharField(max_length=10, choices=[("NEW", "New"), ("OLD", "Old")])
            stage = models.TextField(choices=Stage.choices)
            size = models.IntegerField(choices=[("Small", ((1, "one"), (2, "two")))])

        (deal,) = models_to_descriptors([Deal])
        self.assertEqual([f.get("choices") for f in deal["fields"]], [
            [["NEW", "New"], ["OLD", "Old"]],
            [["OPEN", "Open"], ["WON", "Won"]],
            [["Small", [[1, "one"], [2, "two"]]]]])
