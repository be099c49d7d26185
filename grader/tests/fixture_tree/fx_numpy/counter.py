"""A word counter built once and queried by several cases."""


class Counter:
    def __init__(self, text: str) -> None:
        # BEGIN SOLUTION
        self.counts: dict[str, int] = {}
        for word in text.split():
            self.counts[word] = self.counts.get(word, 0) + 1
        # END SOLUTION

    def count(self, word: str) -> int:
        # BEGIN SOLUTION
        return self.counts.get(word, 0)
        # END SOLUTION

    def size(self) -> int:
        # BEGIN SOLUTION
        return len(self.counts)
        # END SOLUTION
