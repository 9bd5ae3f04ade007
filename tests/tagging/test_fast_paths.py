"""Fast paths of the suggester equal the plain array computations they replace."""

from __future__ import annotations

import itertools

import numpy as np

from coder.domain import Relation
from coder.tagging.suggest import _RELATIONS, Suggester


def _per_code(suggester: Suggester, rel_scores: dict[Relation, float]) -> np.ndarray:
    """The relation factor of every code, from the per-relation list `_one` indexes."""
    factors = suggester._relation_factors(rel_scores)
    return np.array([factors[k] for k in suggester._rel_list])


def test_relation_factors_equal_the_array_formula(suggester: Suggester) -> None:
    index = np.array(suggester._rel_list)
    for scores in itertools.product((0.0, 0.05, 0.3, 1 / 3, 0.7, 1.0, 2.5), repeat=len(_RELATIONS)):
        rel_scores = dict(zip(_RELATIONS, scores, strict=True))
        top = max(scores)
        if top > 0:
            shares = np.array([*(rel_scores.get(r, 0.0) / top for r in _RELATIONS), 1.0])
            expected = np.where(index < 3, 0.3 + 0.7 * shares[index], 1.0)
        else:
            expected = np.ones(len(suggester.code_ids))
        assert np.array_equal(_per_code(suggester, rel_scores), expected), scores
    partial = {Relation.CEO: 0.4}  # relations without evidence may be missing
    assert np.array_equal(
        _per_code(suggester, partial),
        _per_code(suggester, {**dict.fromkeys(_RELATIONS, 0.0), **partial}),
    )


def test_code_relations_by_index(suggester: Suggester) -> None:
    for j, code in enumerate(suggester.code_ids):
        assert suggester._code_relation[j] == suggester.relations.relation_of(code)
