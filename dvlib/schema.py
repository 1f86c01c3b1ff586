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
    "level",             # province | district | commune: the level of the issuing body/outlet
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

CLAIM_COLUMNS = [
    "doc_id", "sentence_id",
    "claim_id",          # "<sentence_id>-c<k>": the k-th claim of the sentence
    "start", "end",      # offsets into the document's text: text[start:end] == claim text
    "text",
    "family",            # the sentence's family unless the claim's own words say otherwise
    "aspects",           # codebook ids the claim is about, joined by "|" (may be empty)
    "aspect_terms",      # per aspect the words that matched: "code=w1;w2|code2=w3"
    "leadin",            # the words before a lead-in colon that hang over the claim ("" if none)
    "framing",           # True: frames or closes (no point of its own), never evidence
]

ENTITY_COLUMNS = [
    "doc_id", "sentence_id", "kind", "text", "normalised", "value", "unit",
    "start", "end",       # offsets into the document's text
]

# The theme families of the annotation guide, in this order everywhere (tables, figures, brief).
FAMILIES = ("limitation", "priority", "model", "achievement", "other")
# The families the comparison and the brief set side by side (shared vs distinctive, keyness).
COMPARED_FAMILIES = ("limitation", "priority", "model")
# The families whose sentences are clustered into sub-themes ("other" is framing, not content).
SUBTHEME_FAMILIES = ("limitation", "priority", "model", "achievement")

ENTITY_KINDS = ("document_code", "document_reference", "named_model", "organisation", "indicator",
                "place")

# What each stage's output must carry (stages may add columns, never drop these).
TABLES = {
    "documents": DOCUMENT_COLUMNS,
    "sentences": SENTENCE_COLUMNS,
    "tokens": SENTENCE_COLUMNS + ["tokens", "terms"],
    "labelled": SENTENCE_COLUMNS + ["family", "family_score", "family_evidence"],
    # after the researcher's corrections: family_source "model" | "corrected"; family_confident
    # whether the family is counted (corrected, or score >= the threshold)
    "corrected": SENTENCE_COLUMNS + ["family", "family_score", "family_evidence",
                                     "family_source", "family_confident"],
    "entities": ENTITY_COLUMNS,
    "claims": CLAIM_COLUMNS,
    "boilerplate": ["doc_id", "start", "end", "kind", "text"],
}


class SchemaError(ValueError):
    """A table lacks columns its contract requires, or holds a value outside its kinds."""


def validate(df, table: str):
    """Check ``df`` against the contract of ``table`` (a key of :data:`TABLES`) and return it.

    Raises :class:`SchemaError` naming the missing columns, or the unknown families / boilerplate
    kinds / entity kinds found. Cheap: column names and a set of values, never the text.
    """
    missing = [c for c in TABLES[table] if c not in df.columns]
    if missing:
        raise SchemaError(f"{table} table lacks columns: {', '.join(missing)}")
    checks = {"family": FAMILIES, "boilerplate": ("",) + tuple(BOILERPLATE_KINDS)}
    if table == "entities":
        checks = {"kind": ENTITY_KINDS}
    elif table == "boilerplate":
        checks = {"kind": tuple(BOILERPLATE_KINDS)}
    for col, allowed in checks.items():
        if col in df.columns and len(df):
            unknown = set(df[col].dropna().unique()) - set(allowed)
            if unknown:
                raise SchemaError(f"{table}.{col} holds unknown values: {sorted(map(str, unknown))}")
    return df
