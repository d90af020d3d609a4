"""Operator tools for NGO profiles (`exposure-check-admin profile ...`)."""
