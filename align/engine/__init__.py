"""What runs the stages over a collection and writes the dataset directory."""
