"""Per-document stages give the same tables in worker processes as in one process."""
import pandas as pd
import pytest

from dvlib.cluster import codebook
from dvlib.label import model as families
from dvlib.pipeline import load_corpus
from dvlib.runtime.parallel import document_chunks, map_documents


@pytest.fixture(scope="module")
def seed_sentences(corpus_dir):
    return load_corpus(corpus_dir, progress=False).sentences


def test_families_in_workers_equal_serial(seed_sentences):
    serial = families.label_families(seed_sentences)
    parallel = map_documents(families.label_families, seed_sentences, n_jobs=2, min_rows=0)
    pd.testing.assert_frame_equal(serial, parallel)


def test_codes_in_workers_equal_serial(seed_sentences):
    serial = codebook.code_sentences(seed_sentences)
    parallel = map_documents(codebook.code_sentences, seed_sentences, n_jobs=2, min_rows=0,
                             keep_index=False)
    pd.testing.assert_frame_equal(serial, parallel)
    assert len(serial) > 50


def test_chunks_never_split_a_document_and_cover_every_row(seed_sentences):
    for n in (2, 3, 7, 50):
        chunks = document_chunks(seed_sentences, n)
        owners = [set(c["doc_id"]) for c in chunks]
        for doc in seed_sentences["doc_id"].unique():
            assert sum(doc in o for o in owners) == 1, (n, doc)
        pd.testing.assert_frame_equal(pd.concat(chunks), seed_sentences)
    assert len(document_chunks(seed_sentences, 5)) > 1


def test_rows_of_a_document_out_of_order_run_in_this_process(seed_sentences):
    calls = []

    def record(chunk):  # a closure cannot be sent to a worker: it only runs here
        calls.append(len(chunk))
        return chunk

    shuffled = seed_sentences.sample(frac=1, random_state=0)
    out = map_documents(record, shuffled, n_jobs=2, min_rows=0)
    assert calls == [len(shuffled)] and out.equals(shuffled)
