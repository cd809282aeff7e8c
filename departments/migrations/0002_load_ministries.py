"""Load the current ministries of the Rijk with their codes and common aliases.

Which departments take part in the central tender is not loaded here: administrators
set it (the demo seeds nine). Existing rows are left as they are, so running this on a
database where an administrator changed names or modes changes nothing.
"""

from django.db import migrations

MINISTRIES = [
    # code, Dutch name, English name, aliases suppliers write
    ("AZ", "Ministerie van Algemene Zaken", "Ministry of General Affairs",
     ["Algemene Zaken", "Min AZ", "General Affairs"]),
    ("BZ", "Ministerie van Buitenlandse Zaken", "Ministry of Foreign Affairs",
     ["Buitenlandse Zaken", "BuZa", "Foreign Affairs"]),
    ("BZK", "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
     "Ministry of the Interior and Kingdom Relations",
     ["Binnenlandse Zaken", "BiZa", "Interior", "Interior and Kingdom Relations",
      "Binnenlandse Zaken en Koninkrijksrelaties"]),
    ("DEF", "Ministerie van Defensie", "Ministry of Defence",
     ["Defensie", "Defence", "MinDef"]),
    ("EZ", "Ministerie van Economische Zaken", "Ministry of Economic Affairs",
     ["Economische Zaken", "Economic Affairs", "EZK", "Economische Zaken en Klimaat"]),
    ("FIN", "Ministerie van Financiën", "Ministry of Finance",
     ["Financiën", "Financien", "Finance", "MinFin"]),
    ("IenW", "Ministerie van Infrastructuur en Waterstaat",
     "Ministry of Infrastructure and Water Management",
     ["Infrastructuur en Waterstaat", "I&W", "IenW", "Infrastructure and Water Management"]),
    ("JenV", "Ministerie van Justitie en Veiligheid", "Ministry of Justice and Security",
     ["Justitie en Veiligheid", "J&V", "Justice and Security"]),
    ("KGG", "Ministerie van Klimaat en Groene Groei", "Ministry of Climate and Green Growth",
     ["Klimaat en Groene Groei", "Climate and Green Growth"]),
    ("LVVN", "Ministerie van Landbouw, Visserij, Voedselzekerheid en Natuur",
     "Ministry of Agriculture, Fisheries, Food Security and Nature",
     ["Landbouw, Visserij, Voedselzekerheid en Natuur", "LNV", "Landbouw", "Agriculture"]),
    ("OCW", "Ministerie van Onderwijs, Cultuur en Wetenschap",
     "Ministry of Education, Culture and Science",
     ["Onderwijs, Cultuur en Wetenschap", "OC&W", "Education, Culture and Science"]),
    ("SZW", "Ministerie van Sociale Zaken en Werkgelegenheid",
     "Ministry of Social Affairs and Employment",
     ["Sociale Zaken en Werkgelegenheid", "Sociale Zaken", "Social Affairs and Employment"]),
    ("VWS", "Ministerie van Volksgezondheid, Welzijn en Sport",
     "Ministry of Health, Welfare and Sport",
     ["Volksgezondheid, Welzijn en Sport", "Volksgezondheid", "Health, Welfare and Sport"]),
    ("VRO", "Ministerie van Volkshuisvesting en Ruimtelijke Ordening",
     "Ministry of Housing and Spatial Planning",
     ["Volkshuisvesting en Ruimtelijke Ordening", "Housing and Spatial Planning"]),
    ("AenM", "Ministerie van Asiel en Migratie", "Ministry of Asylum and Migration",
     ["Asiel en Migratie", "A&M", "Asylum and Migration"]),
]


def load(apps, schema_editor):
    Department = apps.get_model("departments", "Department")
    DepartmentAlias = apps.get_model("departments", "DepartmentAlias")
    for code, name_nl, name_en, aliases in MINISTRIES:
        department, _ = Department.objects.get_or_create(
            code=code, defaults={"name_nl": name_nl, "name_en": name_en}
        )
        for alias in aliases:
            DepartmentAlias.objects.get_or_create(name=alias, defaults={"department": department})


class Migration(migrations.Migration):
    dependencies = [("departments", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
