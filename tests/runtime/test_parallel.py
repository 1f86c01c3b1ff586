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


def test_batches_by_size_cover_every_item_in_order_near_the_target():
    from dvlib.runtime.parallel import batches_by_size
    sizes = [10, 250, 40, 40, 300, 5, 5, 5, 700, 1]
    groups = batches_by_size(sizes, target=300)
    assert [i for g in groups for i in g] == list(range(len(sizes)))
    assert all(sum(sizes[i] for i in g) >= 300 for g in groups[:-1])
    assert groups[-1] == [9]  # the remainder
    assert max(len(g) for g in batches_by_size([1] * 200, target=10 ** 6, max_items=64)) == 64


def test_frame_cache_round_trips_lists_and_misses_cleanly(tmp_path):
    import pyarrow as pa
    from dvlib.runtime.parallel import FrameCache
    cache = FrameCache(tmp_path)
    table = pa.table({"doc_id": ["a", "a"], "tokens": [["tỉnh_ủy", "dân_vận"], []]})
    assert cache.get("0" * 64) is None
    cache.put("ab" + "0" * 62, table)
    assert cache.get("ab" + "0" * 62).equals(table)
    (tmp_path / "cd").mkdir()
    (tmp_path / "cd" / ("cd" + "0" * 62 + ".arrow")).write_bytes(b"not arrow")  # torn file
    assert cache.get("cd" + "0" * 62) is None


def test_map_batches_runs_every_batch_once_in_workers():
    from dvlib.runtime.parallel import map_batches
    batches = [list(range(i, i + 5)) for i in range(0, 50, 5)]
    got = dict(map_batches(sum, batches, n_jobs=2, progress=False))
    assert got == {i: sum(b) for i, b in enumerate(batches)}
