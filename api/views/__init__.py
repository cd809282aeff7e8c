"""The API's views: core.py (token, schema, me), suppliers.py, and the HR and bureau side."""
