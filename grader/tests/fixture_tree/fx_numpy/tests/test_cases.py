"""Student mode for fx."""

from grader.student import case_test

test_case = case_test("fx", __file__)
