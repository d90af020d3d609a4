"""Offline pack builder (exposure-check-admin pack build)."""
