"""Adapters for the outside channels and their simulators (see app/notifications/channels.py)."""
