"""Trigram indexes for search (README, "Limits"), on PostgreSQL.

A search word is `UPPER(column) LIKE UPPER('%word%')` on the title, description and
quote (commitments/filtersets.py, SearchFilter: Django's `icontains`). Without an
index every word of every search reads every commitment: the longest search the
site accepts took 5 to 9 seconds on 100,000 commitments. A GIN trigram index on
each expression, exactly as Django writes it (the title is varchar, so cast to
text), lets PostgreSQL find the rows holding a word from the index, and a word no
row holds ends the search at once. pg_trgm is a trusted extension (PostgreSQL 13
and later): the database's owner may create it. SQLite scans, as before.
"""

from django.db import migrations

COLUMNS = {"title": "title::text", "description": "description", "quote": "source_quote"}

FORWARD = "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n" + "\n".join(
    f"CREATE INDEX IF NOT EXISTS commitment_{name}_trgm ON commitments_commitment "
    f"USING gin ((UPPER({expression})) gin_trgm_ops);"
    for name, expression in COLUMNS.items()
)

BACKWARD = "\n".join(f"DROP INDEX IF EXISTS commitment_{name}_trgm;" for name in COLUMNS)


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("commitments", "0011_maintainers_keep_drafts")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
