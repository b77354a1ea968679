"""A module the converter refuses: unique=True has no Canvas descriptor."""

from django.db.models import TextField

from cmodel_django import CustomModel


class Code(CustomModel):
    code = TextField(unique=True)
