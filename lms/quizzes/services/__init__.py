"""The quizzes domain: banks and questions, imports, quizzes, attempts, grading and results.

Every service takes explicit inputs, raises lms.core.errors.DomainError with a message people can read,
flushes and never commits: the view, job or command that called it commits once.
"""
