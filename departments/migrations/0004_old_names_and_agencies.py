"""Names suppliers write that the first load did not know: former names of ministries
and their best-known agencies ("Veiligheid en Justitie", "Rijkswaterstaat", "IND").

An agency maps to the ministry its staff belong to (the IND to Asiel en Migratie since
2024). Existing aliases are left alone, so an administrator's change stays; the reverse
removes only the aliases this migration added, where still unchanged.
"""

from django.db import migrations

ALIASES = {
    "AZ": ["Rijksvoorlichtingsdienst", "RVD"],
    "BZ": ["MinBuZa"],
    "BZK": ["Logius", "P-Direkt", "Rijksvastgoedbedrijf", "SSC-ICT", "UBR", "DGOO"],
    "DEF": ["Koninklijke Marechaussee", "KMar", "Defensie Materieel Organisatie"],
    "EZ": ["EL&I", "ELenI", "Economische Zaken, Landbouw en Innovatie",
           "Rijksdienst voor Ondernemend Nederland", "RVO"],
    "FIN": ["Belastingdienst", "Douane", "Dienst Toeslagen", "Toeslagen"],
    "IenW": ["IenM", "I&M", "Infrastructuur en Milieu", "Verkeer en Waterstaat", "VenW", "V&W",
             "Rijkswaterstaat", "RWS", "ILT", "KNMI"],
    "JenV": ["Veiligheid en Justitie", "VenJ", "V&J", "Justitie", "Dienst Justitiële Inrichtingen",
             "DJI"],
    "LVVN": ["Landbouw, Natuur en Voedselkwaliteit", "NVWA"],
    "OCW": ["OCenW", "Onderwijs", "DUO", "Dienst Uitvoering Onderwijs"],
    "SZW": ["Nederlandse Arbeidsinspectie", "Inspectie SZW", "SoZaWe"],
    "VWS": ["RIVM", "CIBG", "IGJ"],
    "AenM": ["IND", "Immigratie- en Naturalisatiedienst"],
}


def add(apps, schema_editor):
    Department = apps.get_model("departments", "Department")
    DepartmentAlias = apps.get_model("departments", "DepartmentAlias")
    departments = {d.code: d for d in Department.objects.filter(code__in=ALIASES)}
    for code, names in ALIASES.items():
        department = departments.get(code)
        if department is None:  # an administrator removed or recoded it
            continue
        for name in names:
            DepartmentAlias.objects.get_or_create(name=name, defaults={"department": department})


def remove(apps, schema_editor):
    Department = apps.get_model("departments", "Department")
    DepartmentAlias = apps.get_model("departments", "DepartmentAlias")
    for code, names in ALIASES.items():
        DepartmentAlias.objects.filter(
            name__in=names, department__in=Department.objects.filter(code=code)
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("departments", "0003_admin_for_administrators_only")]

    operations = [migrations.RunPython(add, remove)]
