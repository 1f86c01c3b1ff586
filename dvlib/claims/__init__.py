"""The claims stage: each content sentence split into the clauses and list items that each
make one point (:mod:`~dvlib.claims.split`), with offsets into the report's text.

``split_claims(sentences) -> claims`` (doc_id, sentence_id, claim_id, start, end, text, family,
leadin, framing, family_source). The aspects of each claim (the work area it is about) are
added later, by the cluster stage (:func:`dvlib.cluster.tag_aspects`), because they need the
codebook.
"""
from __future__ import annotations

from dvlib.claims.split import (CLAIM_COLUMNS, ClaimRules, claim_family, is_framing,
                                load_claim_rules, split_claims, split_sentence)

__all__ = ["CLAIM_COLUMNS", "ClaimRules", "claim_family", "is_framing", "load_claim_rules",
           "split_claims", "split_sentence"]
