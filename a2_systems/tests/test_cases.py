"""Every visible case of a2, run through the grader's worker (HANDOUT.md §1). Run: make test A=a2."""

from grader.student import case_test

test_case = case_test("a2", __file__)
