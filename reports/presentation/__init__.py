"""The report presentation layer: report data, privacy suppression, charts and exports.

Pure functions over plain data; nothing here reads the database. See tables.py for the
data model, suppression.py for the privacy rules, and charts.py, xlsx.py, csv_export.py
and pdf.py for the outputs.
"""
