"""The quizzes plugin. The entry point `lms.plugins: quizzes` names `plugin`."""
from lms.quizzes.plugin import QuizzesPlugin

plugin = QuizzesPlugin()
