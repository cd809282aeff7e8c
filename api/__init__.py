"""The REST API at /api/v1/ for suppliers, HR systems and the programme bureau (README, "API")."""
