"""A module cmodel refuses at registration: a relation to a core model whose
related_name is not namespaced (the SDK's rule), which only the server judges."""

from django.db.models import CASCADE, ForeignKey, TextField

from cmodel_django import CustomModel, Staff


class Note(CustomModel):
    body = TextField()
    staff = ForeignKey(Staff, on_delete=CASCADE, related_name="notes")
