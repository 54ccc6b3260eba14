"""Demo content of the courses plugin."""


def seed() -> None:
    return None
