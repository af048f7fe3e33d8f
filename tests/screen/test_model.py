"""The screening model: featurizer vs a plain-Python reference, estimator contract, artifact, explanations."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.config import get_settings
from fanzha.domain import Category, Typology
from fanzha.screen.features import MASK64, MIX, NSALT, OFFSET, PRIME, Featurizer, is_skipped
from fanzha.screen.labels import map_label, split_loan_credit, training_text
from fanzha.screen.model import CATEGORIES, CharNgramModel, NotFittedError, load_model
from fanzha.screen.model_api import ModelOutput
from fanzha.screen.trainsets import generate
from fanzha.text import normalize


# ---------------------------------------------------------------------------------------------- reference featurizer
def reference_features(text: str, fz: Featurizer, idf: np.ndarray | None = None) -> dict[int, float]:
    """Straightforward per-n-gram Python implementation of the documented hash and weighting."""
    kept = []
    for ch in text:
        c = ord(ch)
        if is_skipped(c):
            continue
        if fz.fold_digits and 48 <= c <= 57:
            c = 48
        kept.append(c)
    counts: dict[int, int] = {}
    for n in range(fz.ngram_min, fz.ngram_max + 1):
        for s in range(len(kept) - n + 1):
            h = OFFSET
            for c in kept[s : s + n]:
                h = ((h ^ c) * PRIME) & MASK64
            h ^= (n * NSALT) & MASK64
            h ^= h >> 33
            h = (h * MIX) & MASK64
            h ^= h >> 29
            f = h & (fz.n_features - 1)
            counts[f] = counts.get(f, 0) + 1
    vals = {f: (1 + math.log(c)) if fz.sublinear_tf else float(c) for f, c in counts.items()}
    if idf is not None:
        vals = {f: v * float(idf[f]) for f, v in vals.items()}
    norm = math.sqrt(sum(v * v for v in vals.values())) or 1.0
    return {f: v / norm for f, v in vals.items()}


def _assert_rows_match(texts: list[str], fz: Featurizer, idf: np.ndarray | None = None) -> None:
    X = fz.transform(texts, idf=idf)
    assert X.shape == (len(texts), fz.n_features)
    for i, t in enumerate(texts):
        ref = reference_features(t, fz, idf)
        row = X.getrow(i)
        got = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        assert set(got) == set(ref), t
        for f, v in ref.items():
            assert got[f] == pytest.approx(v, rel=1e-5, abs=1e-6), t


FEATURE_TEXTS = [
    "",
    "a",
    "你好 世界 2024年",
    "刷🔥单 返\u200b利，日赚300元",
    "【工商银行】验证码 123456，切勿告知他人。",
    "ｆｕｌｌ　ｗｉｄｔｈ ＡＢＣ",
    "𠀀𠀁 rare CJK extension B",
    "\t\n\r  ",
    "\ud800 lone surrogate",
]


@pytest.mark.parametrize("n_bits,nmin,nmax,fold,sub", [(18, 1, 3, True, True), (10, 2, 4, False, False)])
def test_featurizer_matches_reference(n_bits: int, nmin: int, nmax: int, fold: bool, sub: bool) -> None:
    fz = Featurizer(n_bits=n_bits, ngram_min=nmin, ngram_max=nmax, fold_digits=fold, sublinear_tf=sub)
    _assert_rows_match(FEATURE_TEXTS, fz)
    rng = np.random.default_rng(0)
    idf = rng.uniform(0.5, 3.0, fz.n_features).astype(np.float32)
    _assert_rows_match(FEATURE_TEXTS, fz, idf)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=6))
def test_featurizer_matches_reference_on_random_text(texts: list[str]) -> None:
    _assert_rows_match(texts, Featurizer(n_bits=12, ngram_max=3))


def test_batch_equals_one_by_one() -> None:
    fz = Featurizer()
    X = fz.transform(FEATURE_TEXTS)
    for i, t in enumerate(FEATURE_TEXTS):
        assert (X.getrow(i) != fz.transform([t])).nnz == 0


def test_ngram_spans_point_at_the_text() -> None:
    fz = Featurizer()
    text = "刷 单返利🔥加微信"
    starts, ends, feats, ns = fz.ngram_spans(text)
    assert len(starts) == len(ends) == len(feats) == len(ns) > 0
    X = fz.transform([text])
    assert set(feats.tolist()) == set(X.indices.tolist())
    for s, e, n in zip(starts, ends, ns, strict=True):
        piece = text[s:e]
        assert sum(1 for ch in piece if not is_skipped(ord(ch))) == n
        assert not is_skipped(ord(piece[0])) and not is_skipped(ord(piece[-1]))
    assert "刷 单" in {text[s:e] for s, e in zip(starts, ends, strict=True)}  # the space is skipped, not a break


# ---------------------------------------------------------------------------------------------- estimator contract
@pytest.fixture(scope="module")
def small_data() -> tuple[list[str], list[str], list[str | None]]:
    syn = generate(12, seed=3)
    texts = [normalize(s.text).text for s in syn]
    return texts, [s.category for s in syn], [s.typology for s in syn]


@pytest.fixture(scope="module")
def small_model(small_data: tuple[list[str], list[str], list[str | None]]) -> CharNgramModel:
    texts, cats, types = small_data
    return CharNgramModel(n_bits=14, random_state=1).fit(texts, cats, typology=types)


def test_params_stored_as_given_and_settable() -> None:
    m = CharNgramModel(n_bits=12, alpha=0.5)
    assert m.get_params()["n_bits"] == 12 and m.get_params()["alpha"] == 0.5
    assert not any(k.endswith("_") for k in vars(m))
    m.set_params(alpha=2.0)
    assert m.alpha == 2.0
    with pytest.raises(ValueError):
        m.set_params(nope=1)
    with pytest.raises(TypeError):
        CharNgramModel(12)  # type: ignore[misc]  # keyword-only


def test_unfitted_model_raises() -> None:
    m = CharNgramModel()
    for call in (m.predict, m.predict_proba, m.decision_function):
        with pytest.raises(NotFittedError):
            call(["x"])
    with pytest.raises(NotFittedError):
        m.analyse(["x"])


def test_fit_rejects_bad_labels() -> None:
    with pytest.raises(ValueError):
        CharNgramModel(n_bits=10).fit(["a", "b"], ["fraud", "weird"])
    with pytest.raises(ValueError):
        CharNgramModel(n_bits=10).fit(["a", "b"], ["normal", "normal"])
    with pytest.raises(ValueError):
        CharNgramModel(n_bits=10).fit(["a"], ["normal", "fraud"])


def test_shapes_and_probabilities(small_model: CharNgramModel, small_data: tuple) -> None:
    texts = small_data[0][:25]
    P = small_model.predict_proba(texts)
    assert P.shape == (25, 4)
    assert np.allclose(P.sum(axis=1), 1.0)
    assert ((P >= 0) & (P <= 1)).all()
    pred = small_model.predict(texts)
    assert pred.shape == (25,) and set(pred) <= set(CATEGORIES)
    assert small_model.decision_function(texts).shape == (25,)
    types, tp = small_model.predict_type(texts)
    assert len(types) == 25 and tp.shape == (25,)
    assert set(types) <= set(small_model.type_classes_)


def test_learns_the_training_data(small_model: CharNgramModel, small_data: tuple) -> None:
    texts, cats, _ = small_data
    acc = float(np.mean(small_model.predict(texts) == np.asarray(cats)))
    assert acc > 0.95


def test_seeded_fit_is_deterministic(small_data: tuple) -> None:
    texts, cats, types = small_data
    a = CharNgramModel(n_bits=12, random_state=7).fit(texts, cats, typology=types)
    b = CharNgramModel(n_bits=12, random_state=7).fit(texts, cats, typology=types)
    assert np.array_equal(a.coef_, b.coef_)
    assert np.array_equal(a.intercept_, b.intercept_)
    assert np.array_equal(a.calibration_, b.calibration_)


def test_save_load_round_trip(tmp_path: Path, small_model: CharNgramModel, small_data: tuple) -> None:
    path = small_model.save(tmp_path / "m.npz", meta={"note": "test"})
    loaded = load_model(path)
    assert loaded is not None
    texts = small_data[0][:20] + ["", "完全无关的一句话"]
    assert np.allclose(small_model.predict_proba(texts), loaded.predict_proba(texts))
    assert loaded.get_params() == small_model.get_params()
    assert loaded.meta_ == {"note": "test"}
    np.load(path, allow_pickle=False).close()  # no pickled objects inside


def test_load_model_missing_or_broken(tmp_path: Path) -> None:
    assert load_model(tmp_path / "absent.npz") is None
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip file")
    assert load_model(bad) is None


def test_load_model_truncated_or_inconsistent(tmp_path: Path, small_model: CharNgramModel) -> None:
    good = small_model.save(tmp_path / "good.npz")
    data = good.read_bytes()
    trunc = tmp_path / "trunc.npz"
    trunc.write_bytes(data[: len(data) // 2])
    assert load_model(trunc) is None
    with np.load(good, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["coef"] = arrays["coef"][:-1]  # one head missing
    wrong = tmp_path / "wrong.npz"
    np.savez_compressed(wrong, **arrays)
    assert load_model(wrong) is None


# ---------------------------------------------------------------------------------------------- committed artifact
@pytest.fixture(scope="module")
def shipped() -> CharNgramModel:
    path = Path(get_settings().model_path)
    if not path.exists():
        pytest.skip(f"no committed model artifact at {path}")
    m = load_model(path)
    assert m is not None
    return m


def test_artifact_size_limit() -> None:
    path = Path(get_settings().model_path)
    if not path.exists():
        pytest.skip("no artifact")
    assert path.stat().st_size <= 20 * 1024 * 1024


def test_analyse_outputs_and_explanations(shipped: CharNgramModel) -> None:
    texts = [
        "您好，我是某某快递理赔专员，您的包裹丢失了，我们双倍赔偿，请加我微信，打开屏幕共享操作退款。",
        "你的身份证涉嫌洗钱案件，现在要求你把钱转到安全账户配合调查，不许告诉家人。",
        "今晚七点开家长会，请准时参加。",
    ]
    norm = [normalize(t).text for t in texts]
    outs = shipped.analyse(norm, explain=True)
    assert len(outs) == 3 and all(isinstance(o, ModelOutput) for o in outs)
    for text, o in zip(norm, outs, strict=True):
        assert 0.0 <= o.fraud_prob <= 1.0
        assert set(o.category_probs) == {c.value for c in Category}
        assert sum(o.category_probs.values()) == pytest.approx(1.0)
        assert o.category_probs["fraud"] == pytest.approx(o.fraud_prob)
        if o.type is not None:
            assert o.type in {t.value for t in Typology}
        for f in o.features:
            assert text[f.start : f.end] == f.ngram
            assert f.weight > 0 and len(f.ngram) >= 2
        weights = [f.weight for f in o.features]
        assert weights == sorted(weights, reverse=True)
    assert outs[0].fraud_prob > 0.5 and outs[1].fraud_prob > 0.5
    assert outs[2].fraud_prob < 0.5
    assert outs[1].features  # a fraud verdict is explained
    assert not shipped.analyse(norm, explain=False)[0].features


def test_analyse_odd_input_does_not_crash(shipped: CharNgramModel) -> None:
    odd = [
        "",
        " ",
        "\x00\x01\x02",
        "🔥" * 50,
        "\ud800\udfff",
        "a" * 200_000,
        "中" * 50_000,
        "ｅｍｏｊｉ👍🏽🇨🇳",
        "\u202e逆序",
    ]
    outs = shipped.analyse(odd)
    assert len(outs) == len(odd)
    for o in outs:
        assert 0.0 <= o.fraud_prob <= 1.0 and math.isfinite(o.type_prob)
    assert shipped.analyse([]) == []


# ---------------------------------------------------------------------------------------------- labels
def test_map_label_decisions() -> None:
    assert map_label("tft5-normal", None, "x") == (Category.NORMAL, None)
    assert map_label("tft8", "刷单返利类", "x") == (Category.FRAUD, Typology.SHUADAN)
    assert map_label("fbs", "FR:Financial", "x") == (Category.FRAUD, Typology.INVESTMENT)
    assert map_label("fbs", "FR:Phishing(Bank)", "x") == (Category.FRAUD, Typology.OTHER)
    assert map_label("fbs", "AD:Retail", "x") == (Category.SPAM, None)
    assert map_label("fbs", "IL:Gambling", "x") == (Category.ILLEGAL, None)
    assert map_label("fbs", "Other", "x") == (Category.NORMAL, None)
    assert map_label("teleantifraud", "客服诈骗", "x", True) == (Category.FRAUD, Typology.ECOMMERCE_CS)
    assert map_label("teleantifraud", "没见过的类型", "x", True) == (Category.FRAUD, Typology.OTHER)
    assert map_label("teleantifraud", None, "x", False) == (Category.NORMAL, None)
    assert map_label("afsft-eval0902", None, "x", True) == (Category.FRAUD, None)
    assert map_label("afsft-eval0902", None, "x", False) == (Category.NORMAL, None)


def test_loan_credit_split() -> None:
    assert split_loan_credit("您的校园贷账户未注销，会影响个人征信，请配合操作") is Typology.CREDIT
    assert split_loan_credit("京东金条额度异常，需要清零，否则上报征信") is Typology.CREDIT
    assert split_loan_credit("无抵押低息贷款，不上征信，当天放款，先交手续费") is Typology.LOAN
    assert split_loan_credit("代办大额信用卡，黑户也能办，征信花了也能贷") is Typology.LOAN
    lab = "贷款、代办信用卡、虚假征信类"
    assert map_label("tft8", lab, "注销学生贷账户")[1] is Typology.CREDIT
    assert map_label("tft8", lab, "快速放款，额度高")[1] is Typology.LOAN


def test_fbs_placeholders_become_lookalikes() -> None:
    t = training_text("fbs", "尊敬 的 NAME 客户 请 登录 URL 领取 DIGIT 元 联系 CELLPHONEWECHAT")
    for ph in ("NAME", "URL", "DIGIT", "CELLPHONE", "WECHAT"):
        assert ph not in t
    assert "http://" in t and "13800000000" in t
    assert training_text("tft8", "URL NAME") == "URL NAME"


def test_predict_counts_equals_predict(small_model: CharNgramModel, small_data: tuple) -> None:
    texts = small_data[0][:15]
    P, types, tp = small_model.predict_counts(small_model.featurizer.counts(texts), texts)
    assert np.allclose(P, small_model.predict_proba(texts))
    t2, tp2 = small_model.predict_type(texts)
    assert types == t2 and np.allclose(tp, tp2)


def test_loan_and_credit_decided_together_then_split_by_the_labelling_rule(small_model: CharNgramModel) -> None:
    m = CharNgramModel(n_bits=10)
    m.type_classes_ = (Typology.LOAN.value, Typology.CREDIT.value, Typology.SHUADAN.value)
    pt = np.array([[0.3, 0.3, 0.4], [0.1, 0.1, 0.8], [0.5, 0.2, 0.3]])
    credit_text = "您的校园贷账户未注销会影响个人征信"
    loan_text = "无抵押低息贷款当天放款先交手续费"
    types, prob = m._best_types(pt, [credit_text, loan_text, credit_text])
    # row 0: 贷款+征信 (0.6) beat 刷单 (0.4) though each alone did not; the rule names 征信 for this text
    assert types == [Typology.CREDIT.value, Typology.SHUADAN.value, Typology.CREDIT.value]
    assert prob.tolist() == pytest.approx([0.6, 0.8, 0.7])
    assert m._best_types(pt, [loan_text, loan_text, loan_text])[0][0] == Typology.LOAN.value
    m.set_params(type_keyword_split=False)
    assert m._best_types(pt, [credit_text] * 3)[0] == [
        Typology.SHUADAN.value,
        Typology.SHUADAN.value,
        Typology.LOAN.value,
    ]
    # without the texts (predict_counts called with counts only): plain argmax
    m.set_params(type_keyword_split=True)
    assert m._best_types(pt, None)[0] == [Typology.SHUADAN.value, Typology.SHUADAN.value, Typology.LOAN.value]
    assert small_model.type_keyword_split  # the default for new models


def test_artifact_without_the_split_option_keeps_plain_argmax(tmp_path: Path, small_model: CharNgramModel) -> None:
    import json

    path = small_model.save(tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    info = json.loads(bytes(arrays["info"]).decode("utf-8"))
    del info["params"]["type_keyword_split"]  # as written before the option existed
    arrays["info"] = np.frombuffer(json.dumps(info, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    old = tmp_path / "old.npz"
    np.savez_compressed(old, **arrays)
    assert CharNgramModel.load(path).type_keyword_split
    assert not CharNgramModel.load(old).type_keyword_split


def test_batch_explanations_equal_single(shipped: CharNgramModel) -> None:
    texts = [
        normalize(t).text
        for t in (
            "您的包裹丢失，理赔请加客服微信，下载会议软件开启屏幕共享。",
            "",
            "今晚吃饭吗",
            "你好，我是你们领导，明天来我办公室，先帮我转一笔钱给客户。",
            "【某银行】验证码123456，切勿告知他人。",
        )
    ]
    batch = shipped.analyse(texts)
    for t, o in zip(texts, batch, strict=True):
        single = shipped.analyse([t])[0]
        assert single.features == o.features
        assert single.fraud_prob == pytest.approx(o.fraud_prob)


@pytest.mark.parametrize(
    "variant",
    [
        "刷 单 返 利 ， 日 赚 三 百 ， 加 微 信 领 取 任 务",  # spaced
        "刷🔥单返💰利，日赚三百，加微✨信领取任务",  # emoji-split
        "刷\u200b单返\u200b利，日赚三百，加微\u200b信领取任务",  # zero-width characters
    ],
)
def test_evasions_do_not_change_the_features(shipped: CharNgramModel, variant: str) -> None:
    base = "刷单返利，日赚三百，加微信领取任务"
    a = shipped.analyse([normalize(base).text])[0]
    b = shipped.analyse([normalize(variant).text])[0]
    assert b.fraud_prob == pytest.approx(a.fraud_prob, abs=1e-6)
    assert [f.weight for f in b.features] == [f.weight for f in a.features]


def test_fullwidth_and_traditional_close_to_plain(shipped: CharNgramModel) -> None:
    base = "您的快递丢失了，客服为您办理理赔，请提供银行卡号和验证码"
    for variant in (
        "您的快遞丟失了，客服為您辦理理賠，請提供銀行卡號和驗證碼",
        "您的快递丢失了，客服为您办理理赔，请提供银行卡号和验证码ＡＢＣ１２３",
    ):
        a = shipped.analyse([normalize(base).text])[0].fraud_prob
        b = shipped.analyse([normalize(variant).text])[0].fraud_prob
        assert abs(a - b) < 0.15


def test_explanations_only_above_explain_min_prob(shipped: CharNgramModel) -> None:
    texts = [
        normalize(t).text for t in ("今晚七点开家长会，请准时参加。", "你的身份证涉嫌洗钱，把钱转到安全账户配合调查")
    ]
    outs = shipped.analyse(texts)
    assert outs[0].fraud_prob < shipped.explain_min_prob and outs[0].features == ()
    assert outs[1].fraud_prob >= shipped.explain_min_prob and outs[1].features


# ---------------------------------------------------------------------------------------------- conversation expert
def test_conversation_expert_mixes_two_fraud_heads_by_the_gate(tmp_path: Path, small_data: tuple) -> None:
    texts, cats, types = small_data
    conv = [i % 3 == 0 for i in range(len(texts))]  # any marking with both categories among the marked texts
    m = CharNgramModel(n_bits=12, random_state=2, conversation_expert=True, gate_threshold=0.0)
    m.fit(texts, cats, typology=types, conversation=conv)
    plain = CharNgramModel(n_bits=12, random_state=2).fit(texts, cats, typology=types, conversation=conv)  # default off
    heads = 1 + len(m.category_classes_) + len(m.type_classes_)
    assert m.coef_.shape[0] == heads + 2 and plain.coef_.shape[0] == heads
    assert m.expert_calibration_ is not None and plain.expert_calibration_ is None
    # the shared heads are fitted exactly as without the expert
    assert np.array_equal(m.coef_[:heads], plain.coef_) and np.array_equal(m.calibration_, plain.calibration_)
    S = m._scores(m._features(texts))
    g = 1.0 / (1.0 + np.exp(-S[:, -2]))
    (a, b), (ea, eb) = m.calibration_, m.expert_calibration_
    p_shared = 1.0 / (1.0 + np.exp(-(a * S[:, 0] + b)))
    p_expert = 1.0 / (1.0 + np.exp(-(ea * S[:, -1] + eb)))
    assert np.allclose(m.predict_proba(texts)[:, 0], (1 - g) * p_shared + g * p_expert)
    assert [o.fraud_prob for o in m.analyse(texts)] == pytest.approx(m.predict_proba(texts)[:, 0].tolist())
    pf = m.predict_proba(texts)[:, 0]
    ok = (pf > 1e-9) & (pf < 1 - 1e-9)
    assert np.allclose(m.decision_function(texts)[ok], np.log(pf[ok] / (1 - pf[ok])), rtol=1e-6, atol=1e-6)
    types_m, _ = m.predict_type(texts)
    assert types_m == plain.predict_type(texts)[0]  # typology untouched by the expert
    loaded = CharNgramModel.load(m.save(tmp_path / "e.npz"))
    assert np.allclose(loaded.predict_proba(texts), m.predict_proba(texts), atol=1e-3)
    assert loaded.expert_calibration_ is not None
    # with a gate threshold, texts whose P(conversation) is below it keep the shared head's P(fraud)
    m.set_params(gate_threshold=0.5)
    low = g < 0.5
    assert low.any() and (~low).any()
    pf_t = m.predict_proba(texts)[:, 0]
    assert np.allclose(pf_t[low], p_shared[low])
    w = (g[~low] - 0.5) / 0.5
    assert np.allclose(pf_t[~low], (1 - w) * p_shared[~low] + w * p_expert[~low])
    no_conv = CharNgramModel(n_bits=12, random_state=2, conversation_expert=True).fit(texts, cats, typology=types)
    assert no_conv.coef_.shape[0] == heads  # nothing marked as conversation: no expert
