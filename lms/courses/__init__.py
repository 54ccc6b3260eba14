"""The courses plugin. The entry point `lms.plugins: courses` names `plugin`."""
from lms.courses.plugin import CoursesPlugin

plugin = CoursesPlugin()
