"""Every visible case of a5, run through the grader's worker (HANDOUT.md §1). Run: make test A=a5."""

from grader.student import case_test

test_case = case_test("a5", __file__)
