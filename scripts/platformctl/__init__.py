"""platformctl: the command line of the data and API platform monorepo."""
