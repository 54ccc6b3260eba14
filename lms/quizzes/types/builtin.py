"""The question types the quizzes plugin ships, in the order the editor offers them."""
from lms.quizzes.types.answers import Numerical, ShortAnswer
from lms.quizzes.types.choice import MultipleChoice, SingleChoice, TrueFalse
from lms.quizzes.types.other import Description, Essay, Matching, Ordering

BUILTIN_TYPES = (SingleChoice(), MultipleChoice(), TrueFalse(), ShortAnswer(), Numerical(), Matching(), Ordering(),
                 Essay(), Description())
