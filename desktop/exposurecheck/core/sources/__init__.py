"""Data sources behind one interface: Pwned Passwords, offline packs, the lookup service, demo sources."""
