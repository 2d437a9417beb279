"""Embedders and translators behind small interfaces, chosen by name."""
