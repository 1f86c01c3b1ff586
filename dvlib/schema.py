"""Column contracts of dvlib's tables (one meaning per name, the same name everywhere).

Every stage is a function from DataFrames to DataFrames; these lists are what each table
carries when written by ``dvlib analyze``. Stages may add columns; they never rename these.
"""

DOCUMENT_COLUMNS = [
    "doc_id",            # stable: first 16 hex digits of sha256 of the raw file bytes
    "file",              # the input path as given
    "format",            # txt, html, docx, pdf
    "encoding",          # detected encoding of a text file (utf-8, utf-8-sig, utf-16, cp1258 ...)
    "province",          # province as it was (the 63 before the 2025 merger); "" if unknown
    "province_source",   # manifest | inferred | "" (none)
    "province_evidence", # why: the marks found (or the manifest's note)
    "province_2025",     # province after the 2025 merger (34 provinces)
    "date",              # ISO: YYYY-MM-DD, YYYY-MM or YYYY; "" if unknown
    "date_precision",    # day | month | year | unknown
    "date_source",       # manifest | inferred | ""
    "date_evidence",
    "title",
    "title_source",
    "outlet",
    "url",
    "n_chars",
    "n_sentences",       # content sentences (boilerplate excluded)
    "n_boilerplate",     # sentences marked as site furniture
    "duplicate_of",      # doc_id of the first copy of a republished report, else ""
    "duplicate_similarity",
]

SENTENCE_COLUMNS = [
    "doc_id",
    "sentence_id",       # "<doc_id>-s<index:04d>", unique in the corpus, cited in briefs
    "sentence_index",    # 0-based position in the document
    "paragraph_index",   # 0-based; a paragraph is a line of the text
    "start", "end",      # character offsets into the document's text (NFC): text[start:end]
    "text",              # the sentence in the report's own spelling (NFC)
    "boilerplate",       # "" for report content, else the kind of site furniture
]

BOILERPLATE_KINDS = [
    "trailer",            # "Các tin khác" and the unrelated news after it
    "visitor_counter",
    "rating_widget",
    "pagination",
    "share_widget",       # Gửi phản hồi / In bài viết ...
    "source_line",        # Nguồn tin: ..., Theo Báo ...
    "duplicate_caption",  # a photo caption repeated verbatim
    "site_header",        # site navigation, banners, session notices
    "document_furniture", # a formal document's letterhead, "Nơi nhận:" list, signature block
]

ENTITY_COLUMNS = [
    "doc_id", "sentence_id", "kind", "text", "normalised", "value", "unit",
    "start", "end",       # offsets into the document's text
]
