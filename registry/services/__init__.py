"""Services: plain functions over the domain that the API and the command line both call."""
