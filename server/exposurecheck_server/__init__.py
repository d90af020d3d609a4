"""Operator tools for NGOs and the project: pack and lookup-service builders, the reference server, kits, profiles.

Not part of the desktop bundle. Imports the same core as the app, so identifiers are normalized and encoded
exactly as the app does.
"""
