"""Request and response shapes of the API, per side (suppliers.py, and the HR side's)."""
