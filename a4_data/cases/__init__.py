"""The visible cases of a4: one module per concept, summed into the assignment's SUITE."""

from a4_data.cases import classifiers, dedup_exact, extract, gopher, langid, minhash, pii, warc

SUITE = (extract.SUITE + warc.SUITE + langid.SUITE + pii.SUITE + classifiers.SUITE + gopher.SUITE
         + dedup_exact.SUITE + minhash.SUITE)
