"""Every visible case of a3, run through the grader's worker (HANDOUT.md §1). Run: make test A=a3."""

from grader.student import case_test

test_case = case_test("a3", __file__)
