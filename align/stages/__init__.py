"""The stages of the road, in order: read, clean, identify the language, pair, split,
score, filter, draw splits."""
