"""ETL: import of county exchange formats (EGiB, APP) and synthetic demo data."""
