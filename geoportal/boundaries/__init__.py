"""Administrative units and addresses of the national registers (PRG, TERYT)."""
