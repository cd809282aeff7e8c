"""Only administrators use the Django admin: clear is_staff for everybody else.

O&P staff and the programme bureau were given is_staff by the demo data (and perhaps
by hand). The admin site now refuses them anyway; this removes the stale flag so the
user list says who really has admin access. Superusers and members of the
administrators group keep it.
"""

from django.db import migrations

# As departments.access.GROUP_NAMES[Role.ADMINISTRATOR]; copied so that a later
# rename there cannot change what this migration did.
ADMINISTRATORS_GROUP = "Beheerders"


def clear_is_staff(apps, schema_editor):
    User = apps.get_model("auth", "User")
    (
        User.objects.filter(is_active=True, is_staff=True, is_superuser=False)
        .exclude(groups__name=ADMINISTRATORS_GROUP)
        .update(is_staff=False)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("departments", "0002_load_ministries"),
    ]

    operations = [
        migrations.RunPython(clear_is_staff, migrations.RunPython.noop, elidable=True),
    ]
