"""A paged KV cache (HANDOUT §6.1): keys and values live in fixed-size blocks of one preallocated pool, and each
sequence keeps a block table (the ids of its blocks, in order), as in vLLM's PagedAttention (Kwon et al. 2023).

A sequence wastes at most one partly filled block instead of a whole `max_seq_len` buffer, and sequences that share
a prefix (several samples of one prompt, beam search) share its blocks: `fork` copies the block table and bumps each
block's reference count. A shared block is never written: appending to a sequence whose last block is partly filled
and shared first copies that block (copy-on-write).

Policies the handout pins down (the cases check them):
- `BlockAllocator.allocate` returns the lowest-numbered free block;
- a block returns to the free pool when its reference count drops to 0;
- `append` is all or nothing: when the pool lacks the blocks it needs (copy-on-write included) it raises
  OutOfBlocksError before changing anything.
One PagedKVCache holds one attention layer; a model keeps one per layer with the same block tables.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor


class OutOfBlocksError(RuntimeError):
    """The block pool has too few free blocks for the request (free a sequence or make a bigger pool)."""


class BlockAllocator:
    """Reference-counted ids 0..num_blocks-1 of a block pool.

    Usage: `b = alloc.allocate()` (count 1), `alloc.incref(b)` when another sequence shares it, `alloc.decref(b)`
    when a sequence lets go of it (the block is free again at count 0).
    """

    def __init__(self, num_blocks: int) -> None:
        # BEGIN SOLUTION
        if num_blocks < 1:
            raise ValueError(f"a block pool needs at least one block, got num_blocks={num_blocks}")
        self.num_blocks = num_blocks
        self.refs = [0] * num_blocks
        # END SOLUTION

    @property
    def num_free(self) -> int:
        """How many blocks have reference count 0."""
        # BEGIN SOLUTION
        return sum(1 for r in self.refs if r == 0)
        # END SOLUTION

    def allocate(self) -> int:
        """The lowest-numbered free block, now with reference count 1. Raises OutOfBlocksError when none is free."""
        # BEGIN SOLUTION
        for b, r in enumerate(self.refs):
            if r == 0:
                self.refs[b] = 1
                return b
        raise OutOfBlocksError(f"all {self.num_blocks} blocks are in use: free a sequence or use a bigger pool")
        # END SOLUTION

    def incref(self, block: int) -> None:
        """One more holder of an allocated block. Raises ValueError for a free or unknown block."""
        # BEGIN SOLUTION
        self._check_allocated(block)
        self.refs[block] += 1
        # END SOLUTION

    def decref(self, block: int) -> None:
        """One holder fewer; at count 0 the block is free again. Raises ValueError for a free or unknown block."""
        # BEGIN SOLUTION
        self._check_allocated(block)
        self.refs[block] -= 1
        # END SOLUTION

    def ref_count(self, block: int) -> int:
        """The block's reference count (0 when free)."""
        # BEGIN SOLUTION
        if not 0 <= block < self.num_blocks:
            raise ValueError(f"block {block} does not exist: ids are 0..{self.num_blocks - 1}")
        return self.refs[block]
        # END SOLUTION

    # BEGIN SOLUTION ONLY
    def _check_allocated(self, block: int) -> None:
        if self.ref_count(block) == 0:
            raise ValueError(f"block {block} is free: only allocated blocks can be shared or released")
    # END SOLUTION ONLY


class PagedKVCache:
    """Keys and values of many sequences in `num_blocks` blocks of `block_size` positions each.

    k_blocks, v_blocks: (num_blocks, block_size, num_heads, head_dim), allocated once. Sequence `s` holds
    length(s) positions; position i sits in block block_table(s)[i // block_size], slot i % block_size.

    Usage: `add_sequence(0)`, `append(0, k, v)` with k, v (new, num_heads, head_dim) for the prompt and then each
    new token, `fork(0, 1)` to share sequence 0's positions with a new sequence 1, `attend(0, q)` for attention
    over everything cached, `free(0)` when done. Unknown or duplicate sequence ids and wrong shapes raise
    ValueError; a full pool raises OutOfBlocksError.
    """

    def __init__(self, num_blocks: int, block_size: int, num_heads: int, head_dim: int,
                 dtype: torch.dtype = torch.float32, device: torch.device | str | None = None) -> None:
        # BEGIN SOLUTION
        if block_size < 1 or num_heads < 1 or head_dim < 1:
            raise ValueError(f"block_size, num_heads and head_dim must be positive, got {block_size}, {num_heads}, "
                             f"{head_dim}")
        self.allocator = BlockAllocator(num_blocks)
        self.block_size, self.num_heads, self.head_dim = block_size, num_heads, head_dim
        shape = (num_blocks, block_size, num_heads, head_dim)
        self.k_blocks = torch.zeros(shape, dtype=dtype, device=device)
        self.v_blocks = torch.zeros(shape, dtype=dtype, device=device)
        self.tables: dict[int, list[int]] = {}
        self.lengths: dict[int, int] = {}
        # END SOLUTION

    @property
    def num_free_blocks(self) -> int:
        """Blocks of the pool no sequence holds."""
        # BEGIN SOLUTION
        return self.allocator.num_free
        # END SOLUTION

    def ref_count(self, block: int) -> int:
        """How many sequences hold `block` (0 when free)."""
        # BEGIN SOLUTION
        return self.allocator.ref_count(block)
        # END SOLUTION

    def add_sequence(self, seq_id: int) -> None:
        """Starts an empty sequence (no blocks yet). Raises ValueError when seq_id is already in use."""
        # BEGIN SOLUTION
        if seq_id in self.tables:
            raise ValueError(f"sequence {seq_id} already exists: free it first or pick another id")
        self.tables[seq_id], self.lengths[seq_id] = [], 0
        # END SOLUTION

    def block_table(self, seq_id: int) -> list[int]:
        """The ids of the sequence's blocks, in position order (a copy)."""
        # BEGIN SOLUTION
        return list(self._table(seq_id))
        # END SOLUTION

    def length(self, seq_id: int) -> int:
        """Positions cached for the sequence."""
        # BEGIN SOLUTION
        self._table(seq_id)
        return self.lengths[seq_id]
        # END SOLUTION

    def fork(self, parent_id: int, child_id: int) -> None:
        """A new sequence `child_id` sharing every position of `parent_id`: the same block table, each block's
        reference count plus one. No key or value is copied."""
        # BEGIN SOLUTION
        table = self._table(parent_id)
        if child_id in self.tables:
            raise ValueError(f"sequence {child_id} already exists: fork into a new id")
        for b in table:
            self.allocator.incref(b)
        self.tables[child_id], self.lengths[child_id] = list(table), self.lengths[parent_id]
        # END SOLUTION

    def append(self, seq_id: int, k: Tensor, v: Tensor) -> None:
        """Appends k, v of shape (new, num_heads, head_dim) after the sequence's cached positions, filling its
        last block, then fresh blocks. A partly filled last block that other sequences share is copied first
        (copy-on-write). All or nothing: raises OutOfBlocksError, changing nothing, when too few blocks are free."""
        # BEGIN SOLUTION
        table = self._table(seq_id)
        want = (self.num_heads, self.head_dim)
        if k.dim() != 3 or tuple(k.shape[1:]) != want or k.shape != v.shape:
            raise ValueError(f"k and v must both be (new, num_heads={self.num_heads}, head_dim={self.head_dim}), "
                             f"got {tuple(k.shape)} and {tuple(v.shape)}")
        n, length, bs = k.shape[0], self.lengths[seq_id], self.block_size
        if n == 0:
            return
        used = length % bs  # slots filled in the last block (0: no block or a full one)
        cow = used > 0 and self.allocator.ref_count(table[-1]) > 1
        room = bs - used if used else 0  # free slots in the last block
        need = math.ceil(max(0, n - room) / bs) + int(cow)
        if need > self.allocator.num_free:
            raise OutOfBlocksError(f"sequence {seq_id} needs {need} more blocks for {n} positions but only "
                                   f"{self.allocator.num_free} are free: free a sequence or use a bigger pool")
        if cow:
            # subtle: the other holders keep the old block untouched; this sequence writes into its own copy.
            old, new = table[-1], self.allocator.allocate()
            self.k_blocks[new, :used] = self.k_blocks[old, :used]
            self.v_blocks[new, :used] = self.v_blocks[old, :used]
            self.allocator.decref(old)
            table[-1] = new
        done = 0
        while done < n:
            pos = length + done
            if pos // bs == len(table):
                table.append(self.allocator.allocate())
            slot = pos % bs
            take = min(bs - slot, n - done)
            block = table[pos // bs]
            self.k_blocks[block, slot:slot + take] = k[done:done + take].to(self.k_blocks.dtype)
            self.v_blocks[block, slot:slot + take] = v[done:done + take].to(self.v_blocks.dtype)
            done += take
        self.lengths[seq_id] = length + n
        # END SOLUTION

    def free(self, seq_id: int) -> None:
        """Forgets the sequence and releases its hold on each of its blocks."""
        # BEGIN SOLUTION
        for b in self._table(seq_id):
            self.allocator.decref(b)
        del self.tables[seq_id], self.lengths[seq_id]
        # END SOLUTION

    def gather(self, seq_id: int) -> tuple[Tensor, Tensor]:
        """The sequence's keys and values as contiguous tensors, each (length, num_heads, head_dim)."""
        # BEGIN SOLUTION
        table, length = self._table(seq_id), self.lengths[seq_id]
        idx = torch.tensor(table, dtype=torch.long, device=self.k_blocks.device)
        k = self.k_blocks[idx].reshape(-1, self.num_heads, self.head_dim)[:length]
        v = self.v_blocks[idx].reshape(-1, self.num_heads, self.head_dim)[:length]
        return k, v
        # END SOLUTION

    def attend(self, seq_id: int, q: Tensor) -> Tensor:
        """Softmax attention of queries q (n, num_heads, head_dim) over every cached position of the sequence
        (no mask: the queries are the newest positions, already appended), scaled by 1/sqrt(head_dim).
        Returns (n, num_heads, head_dim). Raises ValueError for an empty sequence."""
        # BEGIN SOLUTION
        k, v = self.gather(seq_id)
        if k.shape[0] == 0:
            raise ValueError(f"sequence {seq_id} has no cached positions to attend to: append some first")
        if q.dim() != 3 or tuple(q.shape[1:]) != (self.num_heads, self.head_dim):
            raise ValueError(f"q must be (n, num_heads={self.num_heads}, head_dim={self.head_dim}), "
                             f"got {tuple(q.shape)}")
        scores = torch.einsum("nhd,thd->hnt", q.to(k.dtype), k) / math.sqrt(self.head_dim)
        return torch.einsum("hnt,thd->nhd", torch.softmax(scores, dim=-1), v)
        # END SOLUTION

    # BEGIN SOLUTION ONLY
    def _table(self, seq_id: int) -> list[int]:
        if seq_id not in self.tables:
            raise ValueError(f"unknown sequence {seq_id}: call add_sequence({seq_id}) first")
        return self.tables[seq_id]
    # END SOLUTION ONLY
