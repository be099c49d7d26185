"""Every visible case of a1, run through the grader's worker (HANDOUT.md §1). Run: make test A=a1."""

from grader.student import case_test

test_case = case_test("a1", __file__)
