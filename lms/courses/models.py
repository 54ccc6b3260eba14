"""Models of the courses plugin; tables are prefixed `courses_`."""
