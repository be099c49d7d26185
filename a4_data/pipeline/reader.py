"""datatrove's WarcReader over the student's WARC reader.

datatrove's own `WarcReader.read_file` hands each record to warcio and decodes the payload itself (cchardet,
libmagic), and a file cut short raises out of the task. Here the reader keeps datatrove's machinery (the
files of a task are `files[rank::world_size]`, `limit`/`skip`, per-file statistics) and reads records with
`a4_data.warc.iter_warc_documents`, which never raises on damage and counts it. The payload stays bytes (in
`doc.media`): decoding is the extraction step's job, the student's `extract_text_from_html_bytes`.
"""

from __future__ import annotations

from collections import Counter

from datatrove.data import Document, Media, MediaType
from datatrove.pipeline.readers import WarcReader
from datatrove.utils._import_utils import check_required_dependencies

from a4_data.pipeline.config import WARC_SUFFIXES


class CrawlReader(WarcReader):
    name = "🕷 Warc (a4_data.warc)"

    def __new__(cls, *args, **kwargs):
        # datatrove checks the dependencies of every class in the MRO, WarcReader's cchardet and libmagic
        # included; this reader needs only warcio (the student's functions decode)
        check_required_dependencies(cls.__name__, ["warcio"])
        return object.__new__(cls)

    def __init__(self, data_folder: str, **kwargs) -> None:
        # one file or a folder: a folder is listed non-recursively, WARC/WET names only (the manifest is beside them)
        kwargs.setdefault("recursive", False)
        super().__init__(data_folder, **kwargs)

    def read_file(self, filepath: str):
        from a4_data.warc import iter_warc_documents

        if not filepath.endswith(WARC_SUFFIXES):
            return
        local = self.data_folder.resolve_paths(filepath)
        counts: Counter = Counter()
        source = filepath.rsplit("/", 1)[-1]
        for i, rec in enumerate(iter_warc_documents(local, counts)):
            # not get_document_from_dict: it skips documents without text, and the text comes only from extraction
            doc_id = f"{source}/{i}"
            meta = {**(self.default_metadata or {}), "url": rec.url, "source": source, "record_type": rec.record_type}
            yield Document(text="", id=doc_id, metadata=meta,
                           media=[Media(id=doc_id, type=MediaType.DOCUMENT, url=rec.url, media_bytes=rec.content)])
        for key, n in counts.items():  # documents, skipped_<type>, corrupt_record
            self.stat_update(f"read_{key}", value=n, unit="input_file")
