"""Mamori."""
