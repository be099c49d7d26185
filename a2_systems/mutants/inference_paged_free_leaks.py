"""free() forgets the sequence but never releases its blocks: the pool drains and later appends run out."""

from a2_systems.inference.paged_kv_cache import PagedKVCache

UNIT = "a2.paged_kv_cache"
TARGET = "PagedKVCache"


class MUTANT(PagedKVCache):
    def free(self, seq_id):
        self._table(seq_id)
        del self.tables[seq_id], self.lengths[seq_id]
