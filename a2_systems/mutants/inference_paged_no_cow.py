"""No copy-on-write: appending to a sequence whose partly filled last block is shared writes into that block, so a
fork's new positions overwrite its parent's (and the parent's later appends overwrite the fork's)."""

import math

from a2_systems.inference.paged_kv_cache import OutOfBlocksError, PagedKVCache

UNIT = "a2.paged_kv_cache"
TARGET = "PagedKVCache"


class MUTANT(PagedKVCache):
    def append(self, seq_id, k, v):
        table = self._table(seq_id)
        n, length, bs = k.shape[0], self.lengths[seq_id], self.block_size
        used = length % bs
        need = math.ceil(max(0, n - (bs - used if used else 0)) / bs)
        if need > self.allocator.num_free:
            raise OutOfBlocksError("out of blocks")
        for i in range(n):
            pos = length + i
            if pos // bs == len(table):
                table.append(self.allocator.allocate())
            self.k_blocks[table[pos // bs], pos % bs] = k[i]
            self.v_blocks[table[pos // bs], pos % bs] = v[i]
        self.lengths[seq_id] = length + n
