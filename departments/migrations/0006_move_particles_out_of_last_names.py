"""Move the particle ("tussenvoegsel") out of the last names stored so far.

Until now "de Vries" was one last name; now the particle has its own field, so that
names sort on "Vries". The rule is departments.names.split_particle, copied here so that
a later change there cannot change what this migration did:

- the particle is the run of known particle words at the start of the last name, and
  at least one word must follow it ("de Vries", "van 't Hof"; "de" alone stays);
- Dutch and German particles count in any case ("De Vries" is how Dutch writes it when
  the surname stands alone), other languages' articles only in small letters ("el
  Amrani" moves, "El Amrani" is a surname as registered);
- a word glued with a hyphen or apostrophe is one word ("El-Amrani", "d'Ancona").

The particle is stored in small letters. Going back puts it in front of the last name
again (so "De Vries" comes back as "de Vries"). Historical records are left as they
were: they show the same name.
"""

from django.db import migrations

DUTCH = {
    "van", "de", "der", "den", "het", "'t", "'s", "te", "ten", "ter", "in", "op", "aan",
    "uit", "bij", "onder", "voor", "over", "von", "vom", "zu", "zum", "zur",
}  # fmt: skip
SMALL_ONLY = {
    "la", "le", "les", "l'", "el", "al", "da", "das", "di", "do", "dos", "du", "des",
    "del", "della", "dei", "lo", "los", "ibn", "bin", "ben", "t", "v.", "v.d.", "v.d",
    "vd", "vd.", "v/d",
}  # fmt: skip
APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "`": "'", "\u00b4": "'"})
BATCH = 1000


def split(last_name):
    words = last_name.translate(APOSTROPHES).split()
    end = 0
    while end < len(words):
        word, small = words[end], words[end].lower()
        if small in SMALL_ONLY:
            if word != small and end == 0:
                break
        elif small not in DUTCH:
            break
        end += 1
    if end == 0 or end == len(words):
        return "", last_name
    particle = " ".join(words[:end]).lower()
    if len(particle) > 30:
        return "", last_name
    return particle, " ".join(words[end:])


def move_particles(apps, schema_editor):
    Person = apps.get_model("departments", "Person")
    people = Person.objects.filter(particle="", last_name__contains=" ").only("last_name")
    changed = []
    for person in people.order_by("pk").iterator(chunk_size=BATCH):
        particle, last_name = split(person.last_name)
        if particle:
            person.particle, person.last_name = particle, last_name
            changed.append(person)
        if len(changed) >= BATCH:
            Person.objects.bulk_update(changed, ["particle", "last_name"])
            changed = []
    Person.objects.bulk_update(changed, ["particle", "last_name"])


def put_particles_back(apps, schema_editor):
    Person = apps.get_model("departments", "Person")
    people = Person.objects.exclude(particle="").only("particle", "last_name")
    changed = []
    for person in people.order_by("pk").iterator(chunk_size=BATCH):
        person.last_name = f"{person.particle} {person.last_name}".strip()[:150]
        person.particle = ""
        changed.append(person)
        if len(changed) >= BATCH:
            Person.objects.bulk_update(changed, ["particle", "last_name"])
            changed = []
    Person.objects.bulk_update(changed, ["particle", "last_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0005_person_particle"),
    ]

    operations = [
        migrations.RunPython(move_particles, put_particles_back),
    ]
