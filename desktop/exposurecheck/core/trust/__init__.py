"""Who the app trusts: publisher keys, signed NGO profiles, and the signatures of USB kits."""
