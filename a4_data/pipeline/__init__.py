"""The filtering pipeline on datatrove: WARC/WET files in, kept documents out as JSONL, with per-step statistics
and every dropped document kept with its reason. The student's functions stay plain functions; these files
wrap them as datatrove steps.

config.py     PipelineConfig (the CLI's flags) and the input files
reader.py     CrawlReader: datatrove's WarcReader over the student's iter_warc_documents
filters.py    the per-document steps: datatrove filters over extract, language, Gopher, harmful, quality, PII
dedup.py      line dedup and the MinHash stages (datatrove's layout, the student's shingles and signatures)
definition.py the stages as lists of datatrove steps: one definition for every executor
runner.py     LocalPipelineExecutor per stage (resumable), then kept.jsonl and stats.json
scale.py      the same definition on SlurmPipelineExecutor (sbatch scripts; dry run by default) or Ray
report.py     the terminal report and the ground-truth check
__main__.py   the CLI: python -m a4_data.pipeline --inputs DIR --out DIR [--executor local|slurm|ray]
demo_data.py  writes demo WARC files with known ground truth: python -m a4_data.pipeline.demo_data
legacy/       the runner before datatrove, kept as the pipeline benchmark's anchor
"""
