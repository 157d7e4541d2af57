"""The top of Vägvisare: the `vagvisare` command line, assembled from every package's commands."""
