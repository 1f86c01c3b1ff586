"""The near-identical join's building blocks against plain reference computations."""
import itertools

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from dvlib.compare.suffix_array import char_ngrams, jaccard_components, prefixes

SENTENCES = [
    "công tác tuyên truyền có lúc, có việc hiệu quả chưa cao",
    "công tác tuyên truyền có lúc, có nơi hiệu quả chưa cao",
    "công tác tuyên truyền có lúc có việc hiệu quả chưa cao.",
    "năm 2024, các cấp hội tiếp tục đẩy mạnh chuyển đổi số",
    "năm 2025, các cấp hội tiếp tục đẩy mạnh chuyển đổi số",
    "hội nông dân tỉnh phối hợp tổ chức 12 lớp tập huấn kỹ thuật",
    "mô hình “dân vận khéo” được nhân rộng ra 30 xã",
    "abcd", "", "ΣΑΣ 𝔘𝔫𝔦 ký tự lạ",
]


def _sets(x):
    return [frozenset(x.indices[x.indptr[i]:x.indptr[i + 1]]) for i in range(x.shape[0])]


def test_char_ngrams_are_the_character_5_grams():
    x = char_ngrams(SENTENCES)
    ref = CountVectorizer(analyzer="char", ngram_range=(5, 5), lowercase=False)
    grams = [set(ref.build_analyzer()(s)) for s in SENTENCES]
    # the same strings share columns exactly where they share 5-grams
    sets = _sets(x)
    assert [len(s) for s in sets] == [len(g) for g in grams]
    for i, j in itertools.combinations(range(len(SENTENCES)), 2):
        assert len(sets[i] & sets[j]) == len(grams[i] & grams[j])


def test_prefixes_keep_the_first_entries_of_each_row():
    x = char_ngrams(SENTENCES)
    x.sort_indices()
    sizes = np.diff(x.indptr)
    p = prefixes(x, sizes, 0.7, 4)
    for i in range(x.shape[0]):
        want = min(sizes[i], max(0, int(sizes[i] - np.ceil(0.7 * sizes[i]) + 5)))
        assert list(p.indices[p.indptr[i]:p.indptr[i + 1]]) == list(x.indices[x.indptr[i]:x.indptr[i] + want])


def test_components_equal_brute_force_jaccard():
    for t in (0.5, 0.7, 0.9):
        label, _ = jaccard_components(SENTENCES, t)
        grams = _sets(char_ngrams(SENTENCES))
        parent = list(range(len(SENTENCES)))

        def find(a):
            while parent[a] != a:
                a = parent[a]
            return a
        for i, j in itertools.combinations(range(len(SENTENCES)), 2):
            union = grams[i] | grams[j]
            if union and len(grams[i] & grams[j]) / len(union) >= t:
                parent[find(i)] = find(j)
        for i, j in itertools.combinations(range(len(SENTENCES)), 2):
            assert (label[i] == label[j]) == (find(i) == find(j)), (t, i, j)


def test_char_ngrams_read_in_small_chunks_are_the_same_matrix():
    # the corpus is read a few characters at a time (memory): the result must not depend on it
    whole = char_ngrams(SENTENCES)
    for chunk in (1, 16, 60):
        part = char_ngrams(SENTENCES, chunk_chars=chunk)
        assert part.shape == whole.shape
        assert (part != whole).nnz == 0
