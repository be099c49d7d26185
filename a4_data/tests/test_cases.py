"""Every visible case of a4, run through the grader's worker (HANDOUT.md §1). Run: make test A=a4."""

from grader.student import case_test

test_case = case_test("a4", __file__)
