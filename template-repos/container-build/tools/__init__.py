"""Tools around the image, run on a developer's machine or in the workflow (not copied into the image)."""
