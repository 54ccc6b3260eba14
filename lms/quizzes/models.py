"""Models of the quizzes plugin; tables are prefixed `quizzes_`."""
