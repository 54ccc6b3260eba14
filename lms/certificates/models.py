"""Models of the certificates plugin; tables are prefixed `certificates_`."""
