"""The dataset directory, its card and report, Hub push and exports."""
