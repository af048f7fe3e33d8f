"""The statistical screening model: hashed character n-grams + linear heads (trained with scikit-learn).

Three linear heads share one feature vector (:mod:`fanzha.screen.features`) of the NORMALISED text:

- ``fraud``: binary logistic regression (SGD, L2, seeded), calibrated (Platt scaling on out-of-fold scores)
  → ``fraud_prob``;
- ``category``: spam / illegal / normal among non-fraud texts (one-vs-rest logistic, normalised) — combined with
  ``fraud_prob`` into ``category_probs`` (P(fraud) = fraud_prob, the rest shares 1 - fraud_prob);
- ``type``: the MPS typology among fraud texts (one-vs-rest logistic, normalised);
- optionally (``conversation_expert``, off by default: see docs/benchmarks.md for what it trades) a
  *conversation expert*: a gate head P(conversation | text) (logistic, class-balanced, trained on
  which texts come from conversation sources: call transcripts, chat dialogues) and a second fraud head trained
  on conversation texts only, with its own Platt calibration; P(fraud) = (1 − g)·P_shared + g·P_expert.  Benign
  business conversations and scam conversations differ in ways the SMS-dominated shared head does not weigh (the
  engine's kind rule cannot be used: the model reads the normalised text, where line breaks are gone; the gate
  learns the conversational style from the n-grams instead).

Inference needs numpy + scipy only (scikit-learn is imported by ``fit`` alone), so loading is fast.  The
artifact is a compressed ``.npz``: float16 coefficient matrices, float32 intercepts / idf, and a JSON metadata
string (hyper-parameters, class names, training summary) — no pickled objects, no text.
"""

from __future__ import annotations

import inspect
import json
import logging
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from fanzha.domain import Category, Typology
from fanzha.screen.features import Featurizer
from fanzha.screen.model_api import ModelFeature, ModelOutput

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
CATEGORIES: tuple[str, ...] = (Category.FRAUD.value, Category.SPAM.value, Category.ILLEGAL.value, Category.NORMAL.value)
NON_FRAUD: tuple[str, ...] = CATEGORIES[1:]


class NotFittedError(ValueError, AttributeError):
    """The model is used before ``fit`` (same contract as sklearn.exceptions.NotFittedError)."""


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))


def _ovr_proba(scores: np.ndarray) -> np.ndarray:
    p = _sigmoid(scores)
    if p.shape[1] == 1:
        return np.hstack([1.0 - p, p])
    s = p.sum(axis=1, keepdims=True)
    s[s == 0] = 1.0
    return p / s


class CharNgramModel:
    """Hashed char n-gram linear model for fraud score, category and typology (scikit-learn estimator style).

    ``X`` everywhere is a sequence of NORMALISED texts (``fanzha.text.normalize(t).text``).

    Hyper-parameters: ``n_bits`` (2**n_bits hashed features), ``ngram_max`` (char 1..ngram_max-grams),
    ``fold_digits``, ``use_idf``, ``alpha`` (L2 of the fraud head), ``type_alpha`` (L2 of the category and typology
    heads), ``type_class_weight`` (None or "balanced": class weights of the typology head), ``type_keyword_split``
    (the typology head's 贷款 and 征信 classes are decided together, then split by the labelling rule
    :func:`fanzha.screen.labels.split_loan_credit`: the training labels of that pair ARE that rule, so a linear head
    only approximates what the rule says exactly), ``conversation_expert`` (fit the gate + expert fraud head of the
    conversation texts when ``fit`` is told which they are), ``gate_alpha`` (L2 of the gate),
    ``expert_other_weight`` (sample weight of the non-conversation texts in the expert head; 0 = conversation texts
    only), ``gate_threshold`` (gate probabilities below it give the expert no weight), ``epochs`` (SGD
    passes), ``calibration_folds`` (out-of-fold Platt scaling; < 2 = on the training scores), ``max_explained`` (n-grams per explanation), ``explain_min_prob`` (texts below this P(fraud) get no
    explanation: nothing in them argues for fraud; saves time in bulk screening), ``random_state``.
    """

    def __init__(
        self,
        *,
        n_bits: int = 18,
        ngram_max: int = 3,
        fold_digits: bool = True,
        use_idf: bool = True,
        alpha: float = 2e-6,
        type_alpha: float = 1e-6,
        type_class_weight: str | None = None,
        type_keyword_split: bool = True,
        conversation_expert: bool = False,
        gate_alpha: float = 1e-6,
        expert_other_weight: float = 0.0,
        gate_threshold: float = 0.5,
        epochs: int = 15,
        calibration_folds: int = 3,
        max_explained: int = 5,
        explain_min_prob: float = 0.05,
        random_state: int = 0,
    ) -> None:
        self.n_bits = n_bits
        self.ngram_max = ngram_max
        self.fold_digits = fold_digits
        self.use_idf = use_idf
        self.alpha = alpha
        self.type_alpha = type_alpha
        self.type_class_weight = type_class_weight
        self.type_keyword_split = type_keyword_split
        self.conversation_expert = conversation_expert
        self.gate_alpha = gate_alpha
        self.expert_other_weight = expert_other_weight
        self.gate_threshold = gate_threshold
        self.epochs = epochs
        self.calibration_folds = calibration_folds
        self.max_explained = max_explained
        self.explain_min_prob = explain_min_prob
        self.random_state = random_state

    # -- sklearn-style parameter protocol (implemented here so that inference never imports sklearn) --------------
    @classmethod
    def _get_param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self._get_param_names()}

    def set_params(self, **params: Any) -> CharNgramModel:
        valid = set(self._get_param_names())
        for k, v in params.items():
            if k not in valid:
                raise ValueError(f"invalid parameter {k!r} for {type(self).__name__}")
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # -- fitting ---------------------------------------------------------------------------------------------------
    @property
    def featurizer(self) -> Featurizer:
        return Featurizer(n_bits=self.n_bits, ngram_max=self.ngram_max, fold_digits=self.fold_digits)

    def fit(
        self,
        X: Sequence[str],
        y: Sequence[str],
        *,
        typology: Sequence[str | None] | None = None,
        sample_weight: Sequence[float] | np.ndarray | None = None,
        conversation: Sequence[bool] | np.ndarray | None = None,
    ) -> CharNgramModel:
        """Fit on normalised texts ``X`` with categories ``y`` (fraud/spam/illegal/normal) and fraud typologies.

        ``conversation`` marks the texts of conversation sources (call transcripts, chat dialogues): with
        ``conversation_expert`` they train the expert and its gate (see the class docstring).
        """
        t0 = time.perf_counter()
        texts = list(X)
        if len(texts) != len(y):
            raise ValueError("X and y have different lengths")
        self.fit_counts(
            self.featurizer.counts(texts), y, typology=typology, sample_weight=sample_weight, conversation=conversation
        )
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    def fit_counts(
        self,
        counts: sp.csr_matrix,
        y: Sequence[str],
        *,
        typology: Sequence[str | None] | None = None,
        sample_weight: Sequence[float] | np.ndarray | None = None,
        conversation: Sequence[bool] | np.ndarray | None = None,
    ) -> CharNgramModel:
        """``fit`` from the raw n-gram counts of ``self.featurizer.counts(texts)`` (lets a benchmark featurize once)."""
        from sklearn.linear_model import LogisticRegression, SGDClassifier
        from sklearn.model_selection import StratifiedKFold

        t0 = time.perf_counter()
        n_docs = counts.shape[0]
        cats = np.asarray([str(c) for c in y], dtype=object)
        if n_docs != len(cats):
            raise ValueError("X and y have different lengths")
        unknown = set(cats) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown categories {sorted(unknown)}; expected {CATEGORIES}")
        is_fraud = cats == Category.FRAUD.value
        if is_fraud.all() or not is_fraud.any():
            raise ValueError("fit needs both fraud and non-fraud texts")
        sw = np.ones(n_docs) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        fz = self.featurizer
        if counts.shape[1] != fz.n_features:
            raise ValueError(f"counts have {counts.shape[1]} columns, the featurizer {fz.n_features}")
        idf: np.ndarray | None = None
        if self.use_idf:
            df = np.bincount(counts.indices, minlength=fz.n_features).astype(np.float64)
            idf = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float16).astype(np.float32)
        Xm = fz.weight(counts, idf)

        def sgd(alpha: float, class_weight: str | None = None) -> SGDClassifier:
            return SGDClassifier(
                loss="log_loss",
                alpha=alpha,
                max_iter=self.epochs,
                tol=None,
                random_state=self.random_state,
                class_weight=class_weight,
            )

        def fraud_head(rows: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            """Binary fraud head on ``rows`` + Platt calibration on out-of-fold scores: (coef, intercept, [a, b])."""
            X_, y_, w_ = Xm[rows], is_fraud[rows].astype(int), w[rows]
            oof = np.zeros(len(rows))
            if self.calibration_folds >= 2:
                skf = StratifiedKFold(n_splits=self.calibration_folds, shuffle=True, random_state=self.random_state)
                for tr, te in skf.split(np.zeros(len(y_)), y_):
                    m = sgd(self.alpha).fit(X_[tr], y_[tr], sample_weight=w_[tr])
                    oof[te] = m.decision_function(X_[te])
            head = sgd(self.alpha).fit(X_, y_, sample_weight=w_)
            if self.calibration_folds < 2:
                oof = head.decision_function(X_)
            platt = LogisticRegression(C=1e4, solver="lbfgs").fit(oof.reshape(-1, 1), y_, sample_weight=w_)
            cal = np.array([platt.coef_[0, 0], platt.intercept_[0]], dtype=np.float64)
            return head.coef_.astype(np.float32), head.intercept_.astype(np.float32), cal

        fraud_coef, fraud_b, self.calibration_ = fraud_head(np.arange(n_docs), sw)

        # conversation expert: a gate P(conversation | text) and a fraud head of conversation texts only
        conv = np.zeros(n_docs, dtype=bool) if conversation is None else np.asarray(conversation, dtype=bool)
        if conv.shape[0] != n_docs:
            raise ValueError("conversation and X have different lengths")
        extra_coef = np.zeros((0, fz.n_features), dtype=np.float32)
        extra_b = np.zeros(0, dtype=np.float32)
        self.expert_calibration_: np.ndarray | None = None
        if self.conversation_expert and conv.any() and not conv.all() and len(set(is_fraud[conv].tolist())) == 2:
            gate = sgd(self.gate_alpha, "balanced").fit(Xm, conv.astype(int), sample_weight=sw)
            w_other = self.expert_other_weight
            e_rows = np.arange(n_docs) if w_other > 0 else np.flatnonzero(conv)
            e_coef, e_b, self.expert_calibration_ = fraud_head(e_rows, sw * np.where(conv, 1.0, w_other))
            extra_coef = np.vstack([gate.coef_.astype(np.float32), e_coef])
            extra_b = np.concatenate([gate.intercept_.astype(np.float32), e_b])

        # non-fraud category head
        nf = ~is_fraud
        present = [c for c in NON_FRAUD if (cats[nf] == c).any()]
        if len(present) >= 2:
            sgd_c = sgd(self.type_alpha).fit(Xm[nf], cats[nf], sample_weight=sw[nf])
            cat_classes = [str(c) for c in sgd_c.classes_]
            cat_coef = sgd_c.coef_.astype(np.float32)
            cat_b = sgd_c.intercept_.astype(np.float32)
            if len(cat_classes) == 2:  # binary sklearn head: one row for classes_[1]
                cat_coef = np.vstack([-cat_coef, cat_coef])
                cat_b = np.concatenate([-cat_b, cat_b])
        else:
            cat_classes = present or [Category.NORMAL.value]
            cat_coef = np.zeros((1, fz.n_features), dtype=np.float32)
            cat_b = np.zeros(1, dtype=np.float32)

        # typology head
        typ = np.asarray(
            [None if t is None else str(t) for t in (typology if typology is not None else [None] * n_docs)],
            dtype=object,
        )
        if len(typ) != n_docs:
            raise ValueError("typology and X have different lengths")
        has_t = is_fraud & np.asarray([t is not None for t in typ])
        type_classes = sorted({str(t) for t in typ[has_t]})
        if len(type_classes) >= 2:
            sgd_t = sgd(self.type_alpha, self.type_class_weight).fit(
                Xm[has_t], typ[has_t].astype(str), sample_weight=sw[has_t]
            )
            type_classes = [str(c) for c in sgd_t.classes_]
            type_coef = sgd_t.coef_.astype(np.float32)
            type_b = sgd_t.intercept_.astype(np.float32)
            if len(type_classes) == 2:
                type_coef = np.vstack([-type_coef, type_coef])
                type_b = np.concatenate([-type_b, type_b])
        else:
            type_coef = np.zeros((len(type_classes), fz.n_features), dtype=np.float32)
            type_b = np.zeros(len(type_classes), dtype=np.float32)

        self.classes_ = np.asarray(CATEGORIES, dtype=object)
        self.category_classes_ = tuple(cat_classes)
        self.type_classes_ = tuple(type_classes)
        self.idf_ = idf
        # one dense (n_features × heads) matrix: column 0 fraud, then categories, then types, then (with the
        # conversation expert) its gate and its fraud head
        W = np.vstack([fraud_coef, cat_coef, type_coef, extra_coef]).astype(np.float16)
        self.coef_ = W
        self.intercept_ = np.concatenate([fraud_b, cat_b, type_b, extra_b]).astype(np.float32)
        self.n_features_in_ = fz.n_features
        self.fit_seconds_ = time.perf_counter() - t0
        self.meta_: dict[str, Any] = {}
        self._prepare()
        return self

    # -- inference -------------------------------------------------------------------------------------------------
    def _prepare(self) -> None:
        self._Wt = np.ascontiguousarray(self.coef_.astype(np.float32).T)  # (n_features, heads)
        self._fraud_w = self._Wt[:, 0].copy()
        self._expert_w = self._Wt[:, -1].copy() if self._has_expert() else None

    def _has_expert(self) -> bool:
        return getattr(self, "expert_calibration_", None) is not None

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit() or load() first")

    def _features(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.featurizer.transform(list(texts), idf=self.idf_)

    def _scores(self, Xm: sp.csr_matrix) -> np.ndarray:
        return np.asarray(Xm @ self._Wt) + self.intercept_

    def _split(self, S: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        nc, nt = len(self.category_classes_), len(self.type_classes_)
        return S[:, 0], S[:, 1 : 1 + nc], S[:, 1 + nc : 1 + nc + nt]

    def _gate(self, S: np.ndarray) -> np.ndarray | None:
        """Weight of the expert for each row (None without the conversation expert): P(conversation), rescaled
        from [gate_threshold, 1] to [0, 1] so that texts below the threshold keep the shared head's P(fraud)."""
        if not self._has_expert():
            return None
        g = _sigmoid(S[:, -2])
        t = self.gate_threshold
        return np.clip((g - t) / (1.0 - t), 0.0, 1.0) if t > 0 else g

    def _fraud_p(self, S: np.ndarray) -> np.ndarray:
        """Calibrated P(fraud): the shared head's, mixed with the expert's by the gate when there is an expert."""
        p = self._fraud_prob(S[:, 0])
        g = self._gate(S)
        if g is None or self.expert_calibration_ is None:
            return p
        a, b = self.expert_calibration_
        return (1.0 - g) * p + g * _sigmoid(a * S[:, -1] + b)

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """Fraud logit of each text: the shared head's raw logit, or with the conversation expert the logit of the
        mixed P(fraud) (a monotone score either way)."""
        self._check_fitted()
        S = self._scores(self._features(X))
        if not self._has_expert():
            return self._split(S)[0]
        p = np.clip(self._fraud_p(S), 1e-12, 1 - 1e-12)
        return np.log(p / (1.0 - p))

    def _fraud_prob(self, z: np.ndarray) -> np.ndarray:
        a, b = self.calibration_
        return _sigmoid(a * z + b)

    def _category_matrix(self, S: np.ndarray) -> np.ndarray:
        _, zc, _ = self._split(S)
        pf = self._fraud_p(S)
        out = np.zeros((S.shape[0], len(CATEGORIES)))
        out[:, 0] = pf
        pc = _ovr_proba(zc) if zc.shape[1] > 1 else np.ones((S.shape[0], 1))
        for j, c in enumerate(self.category_classes_):
            out[:, CATEGORIES.index(c)] = (1.0 - pf) * pc[:, j]
        return out

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """(n, 4) category probabilities in ``classes_`` order (fraud, spam, illegal, normal)."""
        self._check_fitted()
        return self._category_matrix(self._scores(self._features(X)))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        self._check_fitted()
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def predict_counts(
        self, counts: sp.csr_matrix, texts: Sequence[str] | None = None
    ) -> tuple[np.ndarray, list[str | None], np.ndarray]:
        """(category probabilities, best typology, its probability) from ``featurizer.counts(texts)``.

        Pass the (normalised) ``texts`` too when the model splits 贷款/征信 by keywords (``type_keyword_split``);
        without them the typology is the plain argmax of the head.
        """
        self._check_fitted()
        S = self._scores(self.featurizer.weight(counts, self.idf_))
        P = self._category_matrix(S)
        zt = self._split(S)[2]
        if zt.shape[1] == 0:
            return P, [None] * S.shape[0], np.zeros(S.shape[0])
        types, tp = self._best_types(_ovr_proba(zt), texts)
        return P, list(types), tp

    def predict_type(self, X: Sequence[str]) -> tuple[list[str | None], np.ndarray]:
        """Best typology and its probability for each text (None when the model has no type head)."""
        self._check_fitted()
        texts = list(X)
        _, _, zt = self._split(self._scores(self._features(texts)))
        if zt.shape[1] == 0:
            return [None] * zt.shape[0], np.zeros(zt.shape[0])
        types, tp = self._best_types(_ovr_proba(zt), texts)
        return list(types), tp

    def _loan_credit_columns(self) -> tuple[int, int] | None:
        """Columns of 贷款 and 征信 in the typology head when they are decided together (``type_keyword_split``)."""
        loan, credit = Typology.LOAN.value, Typology.CREDIT.value
        if not self.type_keyword_split or loan not in self.type_classes_ or credit not in self.type_classes_:
            return None
        return self.type_classes_.index(loan), self.type_classes_.index(credit)

    def _best_types(self, pt: np.ndarray, texts: Sequence[str] | None) -> tuple[list[str], np.ndarray]:
        """Best typology and its probability per row of ``pt`` (rows = ``texts``).

        With ``type_keyword_split`` the 贷款 and 征信 columns compete as one class (their probabilities summed);
        a row it wins goes to the one :func:`~fanzha.screen.labels.split_loan_credit` names for its text.
        """
        best = pt.argmax(axis=1)
        prob = pt[np.arange(len(best)), best]
        types = [self.type_classes_[i] for i in best]
        cols = self._loan_credit_columns()
        if cols is None or texts is None or not len(best):
            return types, prob
        from fanzha.screen.labels import split_loan_credit

        merged = pt[:, cols[0]] + pt[:, cols[1]]
        others = np.delete(pt, list(cols), axis=1)
        wins = merged > (others.max(axis=1) if others.shape[1] else -1.0)
        for i in np.flatnonzero(wins).tolist():
            types[i] = split_loan_credit(texts[i]).value
            prob[i] = merged[i]
        return types, prob

    def analyse(self, texts: Sequence[str], *, explain: bool = True) -> list[ModelOutput]:
        """ScreeningModel protocol: one ModelOutput per normalised text."""
        self._check_fitted()
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        if not texts:
            return []
        Xm = self._features(texts)
        S = self._scores(Xm)
        cat = self._category_matrix(S)
        _, _, zt = self._split(S)
        # typology of the texts the model finds fraud-like (the ModelOutput of the others carries none)
        typed = np.flatnonzero(cat[:, 0] >= 0.5) if zt.shape[1] else np.zeros(0, dtype=np.int64)
        types_of: dict[int, tuple[str, float]] = {}
        if typed.size:
            t_best, t_prob = self._best_types(_ovr_proba(zt[typed]), [texts[i] for i in typed.tolist()])
            types_of = {i: (t, float(p)) for i, t, p in zip(typed.tolist(), t_best, t_prob, strict=True)}
        expl: list[tuple[ModelFeature, ...]] = [()] * len(texts)
        if explain:
            # texts the model finds clearly benign have no n-gram worth showing as a reason for fraud
            need = np.flatnonzero(cat[:, 0] >= self.explain_min_prob)
            gate = self._gate(S)
            if need.size == len(texts):
                expl = self._explain_batch(texts, Xm, gate)
            elif need.size:
                sub = self._explain_batch([texts[i] for i in need], Xm[need], None if gate is None else gate[need])
                for i, e in zip(need.tolist(), sub, strict=True):
                    expl[i] = e
        outs: list[ModelOutput] = []
        for i in range(len(texts)):
            pf = float(cat[i, 0])
            probs = {c: float(cat[i, j]) for j, c in enumerate(CATEGORIES)}
            typ, tp = types_of.get(i, (None, 0.0))
            outs.append(ModelOutput(fraud_prob=pf, category_probs=probs, type=typ, type_prob=tp, features=expl[i]))
        return outs

    def _explain_batch(
        self, texts: list[str], Xm: sp.csr_matrix, gate: np.ndarray | None = None
    ) -> list[tuple[ModelFeature, ...]]:
        """Per text, the strongest positive contributions (coef × feature value) to the fraud logit, with spans.

        With the conversation expert the coefficient of a text is the gate-weighted mix of the shared and the
        expert fraud heads (``gate`` = P(conversation) per row).

        Vectorised over the batch.  Single characters are left out (they carry weight but explain nothing to a
        reader); each feature is shown at its first occurrence; an n-gram inside an already chosen, stronger one
        is skipped.
        """
        out: list[tuple[ModelFeature, ...]] = [()] * len(texts)
        k_max = self.max_explained
        if k_max <= 0 or Xm.nnz == 0:
            return out
        # 1. candidate features per row: the k_max * 4 largest positive contributions (one float sort over nnz)
        n_docs = Xm.shape[0]
        rows = np.repeat(np.arange(n_docs, dtype=np.int64), np.diff(Xm.indptr))
        contrib_nz = self._fraud_w[Xm.indices] * Xm.data
        if gate is not None and self._expert_w is not None:
            g = gate[rows]
            contrib_nz = ((1.0 - g) * self._fraud_w[Xm.indices] + g * self._expert_w[Xm.indices]) * Xm.data
        pos = np.flatnonzero(contrib_nz > 0)
        if not pos.size:
            return out
        r, c = rows[pos], contrib_nz[pos]
        top = float(c.max())
        o = np.argsort(r + (1.0 - c / (top * 1.0001)))  # by row, strongest first within a row
        r_sorted = r[o]
        row_first = np.searchsorted(r_sorted, np.arange(n_docs))
        rank = np.arange(o.size) - row_first[r_sorted]
        sel = pos[o[rank < k_max * 4]]
        cand_unsorted = (rows[sel] << self.n_bits) | Xm.indices[sel].astype(np.int64)
        ordr = np.argsort(cand_unsorted)
        cand_keys = cand_unsorted[ordr]
        cand_contrib = contrib_nz[sel][ordr]
        # 2. occurrences of the candidates (multi-character n-grams only), first occurrence of each
        doc, start, end, feat, n = self.featurizer.batch_spans(texts)
        occ_keys = (doc << self.n_bits) | feat
        at = np.searchsorted(cand_keys, occ_keys)
        at[at >= cand_keys.size] = 0
        keep = (cand_keys[at] == occ_keys) & (n >= 2)
        doc, start, end, occ_keys = doc[keep], start[keep], end[keep], occ_keys[keep]
        if not doc.size:
            return out
        contrib = cand_contrib[at[keep]]
        if doc.max() < (1 << (43 - self.n_bits)) and start.max() < (1 << 20):
            o = np.argsort((occ_keys << 20) | start)  # one int64 key: (doc, feature, start)
        else:
            o = np.lexsort((start, occ_keys))
        first = np.ones(o.size, dtype=bool)
        first[1:] = occ_keys[o][1:] != occ_keys[o][:-1]
        o = o[first]
        # per doc, strongest first
        o = o[np.lexsort((-contrib[o], doc[o]))]
        d_sorted = doc[o]
        bounds = np.flatnonzero(np.r_[True, d_sorted[1:] != d_sorted[:-1], True])
        for b0, b1 in zip(bounds[:-1], bounds[1:], strict=True):
            i = int(d_sorted[b0])
            text = texts[i]
            chosen: list[ModelFeature] = []
            spans: list[tuple[int, int]] = []
            for j in o[b0 : min(b1, b0 + k_max * 4)].tolist():
                s, e = int(start[j]), int(end[j])
                inside = False
                for cs, ce in spans:
                    if cs <= s and e <= ce:
                        inside = True
                        break
                if inside:
                    continue
                spans.append((s, e))
                chosen.append(ModelFeature(ngram=text[s:e], start=s, end=e, weight=round(float(contrib[j]), 4)))
                if len(chosen) >= k_max:
                    break
            out[i] = tuple(chosen)
        return out

    # -- persistence -----------------------------------------------------------------------------------------------
    def save(self, path: Path | str, *, meta: dict[str, Any] | None = None) -> Path:
        """Write the compressed ``.npz`` artifact (atomic: temp file then rename)."""
        self._check_fitted()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        info = {
            "format": FORMAT_VERSION,
            "kind": "fanzha-char-ngram-linear",
            "params": self.get_params(),
            "category_classes": list(self.category_classes_),
            "type_classes": list(self.type_classes_),
            "calibration": [float(v) for v in self.calibration_],
            "meta": meta or {},
        }
        if self.expert_calibration_ is not None:
            info["expert_calibration"] = [float(v) for v in self.expert_calibration_]
        arrays: dict[str, np.ndarray] = {
            "coef": self.coef_.astype(np.float16),
            "intercept": self.intercept_.astype(np.float32),
            "info": np.frombuffer(json.dumps(info, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
        }
        if self.idf_ is not None:
            arrays["idf"] = self.idf_.astype(np.float16)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as fh:
            np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: Path | str) -> CharNgramModel:
        with np.load(Path(path), allow_pickle=False) as z:
            info = json.loads(bytes(z["info"]).decode("utf-8"))
            if info.get("format") != FORMAT_VERSION:
                raise ValueError(f"unsupported model format {info.get('format')!r} in {path}")
            params = {k: v for k, v in info["params"].items() if k in cls._get_param_names()}
            # artifacts written before the keyword split existed chose the typology by plain argmax: keep that
            params.setdefault("type_keyword_split", False)
            params.setdefault("conversation_expert", False)
            m = cls(**params)
            m.coef_ = z["coef"]
            m.intercept_ = z["intercept"].astype(np.float32)
            m.idf_ = z["idf"].astype(np.float32) if "idf" in z.files else None
        m.classes_ = np.asarray(CATEGORIES, dtype=object)
        m.category_classes_ = tuple(info["category_classes"])
        m.type_classes_ = tuple(info["type_classes"])
        m.calibration_ = np.asarray(info["calibration"], dtype=np.float64)
        m.n_features_in_ = 1 << m.n_bits
        m.meta_ = info.get("meta", {})
        ec = info.get("expert_calibration")
        m.expert_calibration_ = None if ec is None else np.asarray(ec, dtype=np.float64)
        heads = 1 + len(m.category_classes_) + len(m.type_classes_) + (2 if ec is not None else 0)
        if m.coef_.shape != (heads, m.n_features_in_) or m.intercept_.shape != (heads,):
            raise ValueError(f"inconsistent model artifact {path}: coef {m.coef_.shape}, {heads} heads")
        if m.idf_ is not None and m.idf_.shape != (m.n_features_in_,):
            raise ValueError(f"inconsistent model artifact {path}: idf {m.idf_.shape}")
        m._prepare()
        return m


def default_model_path() -> Path:
    from fanzha.config import get_settings

    return Path(get_settings().model_path)


def load_model(path: Path | None = None) -> CharNgramModel | None:
    """The trained model from ``path`` (default ``settings.model_path``); None (logged) when there is none."""
    p = Path(path) if path is not None else default_model_path()
    if not p.exists():
        log.warning("screening model artifact not found at %s; screening runs on rules only", p)
        return None
    try:
        t0 = time.perf_counter()
        m = CharNgramModel.load(p)
        log.debug("loaded screening model %s in %.3fs", p, time.perf_counter() - t0)
        return m
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        log.error("cannot load screening model %s: %s", p, exc)
        return None


__all__ = ["CATEGORIES", "CharNgramModel", "NotFittedError", "load_model"]


# -- training pipeline (shared by `fanzha train`, the benchmark and the tests) --------------------------------------
def normalise_all(texts: Sequence[str]) -> list[str]:
    """``fanzha.text.normalize(t).text`` of every text (the model's input)."""
    from fanzha.text import normalize

    return [normalize(t).text for t in texts]


def file_sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def binary_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float | int]:
    """precision / recall / FPR / counts of a binary fraud decision."""
    yt = np.asarray(y_true, dtype=bool)
    yp = np.asarray(y_pred, dtype=bool)
    tp = int((yt & yp).sum())
    fp = int((~yt & yp).sum())
    fn = int((yt & ~yp).sum())
    tn = int((~yt & ~yp).sum())
    return {
        "n": int(len(yt)),
        "positives": int(yt.sum()),
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
        "fpr": fp / (fp + tn) if fp + tn else float("nan"),
    }


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str | None]) -> float:
    labels = sorted(set(y_true))
    if not labels:
        return float("nan")
    f1s = []
    for lab in labels:
        tp = sum(1 for t, p in zip(y_true, y_pred, strict=True) if t == lab and p == lab)
        fp = sum(1 for t, p in zip(y_true, y_pred, strict=True) if t != lab and p == lab)
        fn = sum(1 for t, p in zip(y_true, y_pred, strict=True) if t == lab and p != lab)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return float(np.mean(f1s))


def stratified_holdout(keys: Sequence[str], fraction: float, seed: int) -> np.ndarray:
    """Boolean mask of a seeded held-out split, stratified by ``keys`` (e.g. file + category)."""
    rng = np.random.RandomState(seed)
    mask = np.zeros(len(keys), dtype=bool)
    if fraction <= 0:
        return mask
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    for k in sorted(groups):
        idx = np.asarray(groups[k])
        n_test = int(round(len(idx) * fraction))
        if n_test and len(idx) > 1:
            mask[rng.choice(idx, size=min(n_test, len(idx) - 1), replace=False)] = True
    return mask


#: Source families (fanzha.screen.labels.source_family) whose texts are conversations.
CONVERSATION_SOURCES: frozenset[str] = frozenset({"call", "dialogue"})


@dataclass(frozen=True)
class TrainingCorpus:
    """The texts ``train`` learns from, in a deterministic order (corpus files sorted by name, then synthetic)."""

    raw: list[str]
    texts: list[str]  # normalised
    categories: list[str]
    typologies: list[str | None]
    files: list[str]
    labels: list[str | None]  # each source's own label (None for synthetic)
    conversation: list[bool]  # from a conversation source (call transcripts, dialogues): trains the expert

    def holdout_mask(self, fraction: float, seed: int) -> np.ndarray:
        """The held-out split of ``train`` (stratified per file and category)."""
        keys = [f"{f}|{c}" for f, c in zip(self.files, self.categories, strict=True)]
        return stratified_holdout(keys, fraction, seed)


def training_corpus(paths: Sequence[Path], *, seed: int = 0, synthetic_per_template: int = 40) -> TrainingCorpus:
    from fanzha.screen.labels import read_corpus, source_family
    from fanzha.screen.trainsets import generate

    recs = list(read_corpus(sorted(Path(p) for p in paths)))
    syn = generate(synthetic_per_template, seed=seed) if synthetic_per_template > 0 else []
    raw = [r.text for r in recs] + [s.text for s in syn]
    types: list[str | None] = [None if r.typology is None else r.typology.value for r in recs]
    return TrainingCorpus(
        raw=raw,
        texts=normalise_all(raw),
        categories=[r.category.value for r in recs] + [s.category for s in syn],
        typologies=types + [s.typology for s in syn],
        files=[r.file for r in recs] + ["synthetic"] * len(syn),
        labels=[r.label for r in recs] + [None] * len(syn),
        conversation=[source_family(r.source) in CONVERSATION_SOURCES for r in recs] + [False] * len(syn),
    )


def train(
    paths: Sequence[Path],
    *,
    seed: int = 0,
    holdout: float = 0.1,
    synthetic_per_template: int = 40,
    params: dict[str, Any] | None = None,
) -> tuple[CharNgramModel, dict[str, Any]]:
    """Train on corpus files (+ our synthetic texts), evaluate on a seeded stratified held-out split.

    Returns the model (fitted on the non-held-out part) and a summary (counts per label, held-out metrics).
    """
    tc = training_corpus(paths, seed=seed, synthetic_per_template=synthetic_per_template)
    texts, cats, types, files = tc.texts, tc.categories, tc.typologies, tc.files
    syn = [f for f in files if f == "synthetic"]
    test = tc.holdout_mask(holdout, seed)
    tr = np.flatnonzero(~test)
    model = CharNgramModel(random_state=seed, **(params or {}))
    model.fit(
        [texts[i] for i in tr],
        [cats[i] for i in tr],
        typology=[types[i] for i in tr],
        conversation=[tc.conversation[i] for i in tr],
    )

    counts: dict[str, dict[str, int]] = {}
    for f, c, t in zip(files, cats, types, strict=True):
        d = counts.setdefault(f, {})
        key = c if t is None else f"{c}/{t}"
        d[key] = d.get(key, 0) + 1
    summary: dict[str, Any] = {
        "seed": seed,
        "holdout": holdout,
        "n_train": len(tr),
        "n_heldout": int(test.sum()),
        "n_synthetic": len(syn),
        "fit_seconds": round(model.fit_seconds_, 1),
        "files": {str(Path(p).name): file_sha256(Path(p)) for p in sorted(Path(p) for p in paths)},
        "counts": counts,
        "heldout": {},
    }
    te = np.flatnonzero(test)
    if len(te):
        te_texts = [texts[i] for i in te]
        proba = model.predict_proba(te_texts)
        pred_types, _ = model.predict_type(te_texts)
        te_files = np.asarray([files[i] for i in te])
        y_true = np.asarray([cats[i] == "fraud" for i in te])
        for f in sorted(set(te_files)):
            m = te_files == f
            row: dict[str, Any] = binary_metrics(y_true[m], proba[m, 0] >= 0.5)
            tt = [(types[te[j]], pred_types[j]) for j in np.flatnonzero(m) if types[te[j]] is not None]
            if tt and len({a for a, _ in tt}) > 1:
                row["type_macro_f1"] = macro_f1([str(a) for a, _ in tt], [b for _, b in tt])
            summary["heldout"][f] = row
    return model, summary
