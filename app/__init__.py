"""Atbalsts: one platform for every municipal social service."""
