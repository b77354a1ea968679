"""Django, configured once for the package's own use.

The package defines Django models (its base classes, the core models, and
whatever models module it converts) without a Django project: when the
caller has not configured Django, it is configured here with the package
itself as the only installed app and no database, which is all that
defining models and reading their options needs.  A caller with settings of its own (another
service, a notebook with a database) configures Django first.
"""

import django
from django.conf import settings


def ensure_django():
    """Configure and set up Django unless the caller already has."""
    if not settings.configured:
        settings.configure(
            INSTALLED_APPS=["cmodel_django"],
            DATABASES={},
            USE_TZ=True,
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        )
    from django.apps import apps

    # an app's models module importing the package while Django loads it
    if not apps.ready and not apps.loading:
        django.setup()
