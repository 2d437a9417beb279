"""Figures, the HTML report and the terminal view of a dataset."""
