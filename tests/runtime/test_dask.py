"""The per-document pass on a Dask cluster gives the same tables as on this machine, and the
per-document cache gives the same tables as computing them."""
import pandas as pd
import pytest

from dvlib.pipeline import document_pass, load_corpus, tokenize_and_label


@pytest.fixture(scope="module")
def seed_sentences(corpus_dir):
    return load_corpus(corpus_dir, progress=False).sentences


@pytest.mark.slow
def test_document_pass_equals_the_stages_run_one_after_the_other(seed_sentences):
    staged = tokenize_and_label(seed_sentences, n_jobs=1, progress=False)
    fresh = document_pass(seed_sentences, n_jobs=2, progress=False)["sentences"]
    cached = document_pass(seed_sentences, n_jobs=2, progress=False)["sentences"]
    pd.testing.assert_frame_equal(staged, fresh)
    pd.testing.assert_frame_equal(staged, cached)
    assert set(fresh["family"]) >= {"limitation", "priority"}
    assert fresh["tokens"].map(len).sum() > 5000


def test_document_pass_reuses_unchanged_documents(seed_sentences, monkeypatch):
    import dvlib.pipeline as pipeline
    document_pass(seed_sentences, n_jobs=1, progress=False)  # fill the cache
    one = seed_sentences["doc_id"].iloc[0]
    edited = seed_sentences.copy()
    first = edited.index[edited["doc_id"] == one][0]
    edited.loc[first, "text"] = edited.loc[first, "text"] + " Thêm một câu."
    seen = []
    real = pipeline.run_document_steps
    monkeypatch.setattr(pipeline, "run_document_steps",
                        lambda batch: seen.append(set(batch["doc_id"])) or real(batch))
    out = document_pass(edited, n_jobs=1, progress=False)["sentences"]
    assert seen == [{one}]  # only the edited report was worked on again
    assert out.loc[first, "text"].endswith("Thêm một câu.")
    assert len(out) == len(seed_sentences)


@pytest.mark.slow
def test_dask_cluster_of_two_workers_gives_the_local_tables(seed_sentences):
    distributed = pytest.importorskip("distributed")
    local = document_pass(seed_sentences, n_jobs=1, progress=False, cache=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            remote = document_pass(seed_sentences, scheduler=client, progress=False, cache=False)
            # the second pass (claims, aspects, codes) too
            local.update(document_pass(local["sentences"], n_jobs=1, progress=False,
                                       cache=False, kind="claims"))
            remote.update(document_pass(remote["sentences"], scheduler=client, progress=False,
                                        cache=False, kind="claims"))
            workers = client.run(lambda: 1)
    assert len(workers) == 2
    assert set(remote) == set(local) == {"sentences", "claims", "coded"}
    for name in local:
        pd.testing.assert_frame_equal(local[name], remote[name])


def test_no_scheduler_at_the_address_is_one_clear_error():
    from dvlib.runtime.dask import connect
    with pytest.raises(RuntimeError, match="no Dask scheduler answers at tcp://127.0.0.1:9"):
        connect("tcp://127.0.0.1:9", timeout="1s")


@pytest.mark.slow
def test_claims_pass_equals_the_stages_and_reruns_only_what_a_correction_touches(seed_sentences,
                                                                                monkeypatch):
    """The second per-document pass (claims with aspects, codebook matches) gives the tables the
    stages give on the whole content, from workers and from its cache; a corrected family
    re-runs that report's claims only, and never the tokeniser."""
    import dvlib.pipeline as pipeline
    from dvlib.claims import split_claims
    from dvlib.cluster import code, tag_aspects
    labelled = document_pass(seed_sentences, n_jobs=1, progress=False)["sentences"]
    content = labelled[labelled["boilerplate"] == ""]
    # (as the pipeline orders them: by report, then as found)
    staged_claims, staged_coded = (
        t.sort_values("doc_id", kind="stable") for t in (
            tag_aspects(split_claims(content), n_jobs=1),
            code(content[["doc_id", "sentence_id", "text"]], n_jobs=1)))
    for _ in range(2):  # computed in two workers, then read from the cache
        out = document_pass(labelled, n_jobs=2, progress=False, kind="claims")
        claims, coded = (t.sort_values("doc_id", kind="stable").reset_index(drop=True)
                         for t in (out["claims"], out["coded"]))
        pd.testing.assert_frame_equal(claims, staged_claims.reset_index(drop=True))
        pd.testing.assert_frame_equal(coded, staged_coded.reset_index(drop=True))
    assert claims["terms"].map(len).sum() > 1000 and (claims["aspects"] != "").any()
    corrected = labelled.copy()
    row = corrected.index[(corrected["family"] == "achievement")
                          & (corrected["boilerplate"] == "")][0]
    corrected.loc[row, "family"] = "limitation"
    seen = []
    real = pipeline.run_claim_steps
    monkeypatch.setattr(pipeline, "run_claim_steps",
                        lambda batch: seen.append(set(batch["doc_id"])) or real(batch))
    monkeypatch.setattr(pipeline, "run_document_steps", lambda batch: pytest.fail("re-tokenised"))
    document_pass(seed_sentences, n_jobs=1, progress=False)  # the first pass: all from cache
    again = document_pass(corrected, n_jobs=1, progress=False, kind="claims")["claims"]
    assert seen == [{corrected.loc[row, "doc_id"]}]
    assert "limitation" in set(again.loc[again["sentence_id"] == corrected.loc[row, "sentence_id"],
                                         "family"])
