"""Typed answers, table-driven: right, misspelled, confusable and wrong answers to the shipped
questions, each with the verdict a fair marker would give.

The questions are the real ones: every glossary term's "type the term" question and the
hand-written typed questions, built as the quiz builds them (with the glossary's names as
confusables). The issue's false accepts and false rejects are all in the table.
"""

from __future__ import annotations

import functools

import pytest

from rnn_studio.learn import quiz
from rnn_studio.learn.content import load_all
from rnn_studio.learn.fuzzy import canonical, normalise
from rnn_studio.learn.markup import plain_text


@functools.cache
def questions() -> dict[str, quiz.TypedQuestion]:
    content = load_all()
    terms = quiz.as_terms(content.glossary.entries)
    found = {f"typed:{term.id}": quiz.typed_term(terms, term.id) for term in terms}
    for written in content.questions:
        if written.kind == "typed":
            found[written.id] = quiz.from_quiz_question(written, terms=terms)
    return found


RIGHT, SLIP, CONFUSABLE, WRONG = "right", "misspelled", "confusable", "wrong"

# (question, typed answer, accepted?, category)
TABLE = [
    # --- right answers, including the false rejects
    ("typed-spectral-radius", "ρ", True, RIGHT),
    ("typed-spectral-radius", "spectral radius", True, RIGHT),
    ("typed-spectral-radius", "Spectral Radius", True, RIGHT),
    ("typed-spectral-radius", "rho", True, RIGHT),
    ("typed-spectral-radius", "ρ(W_hh)", True, RIGHT),
    ("typed:spectral-radius", "ρ", True, RIGHT),
    ("typed:lstm", "LTSM", True, SLIP),
    ("typed:lstm", "LSTM", True, RIGHT),
    ("typed:lstm", "lstms", True, RIGHT),
    ("typed:lstm", "long short-term memory", True, RIGHT),
    ("typed:lstm", "Long Short Term Memory", True, RIGHT),
    ("typed-bptt", "bppt", True, SLIP),
    ("typed-bptt", "BPTT", True, RIGHT),
    ("typed-bptt", "backpropagation through time", True, RIGHT),
    ("typed-bptt", "backprop through time", True, RIGHT),
    ("typed-bptt", "back propagation through time", True, RIGHT),
    ("typed:backpropagation-through-time", "bppt", True, SLIP),
    ("typed:tanh", "tan h", True, RIGHT),
    ("typed:tanh", "tanh", True, RIGHT),
    ("typed:tanh", "hyperbolic tangent", True, RIGHT),
    ("typed:seed", "seeds", True, RIGHT),
    ("typed:seed", "random seed", True, RIGHT),
    ("typed:loss", "losses", True, RIGHT),
    ("typed:loss", "loss function", True, RIGHT),
    ("typed:truncated-bptt", "TBPTT", True, RIGHT),
    ("typed:truncated-bptt", "truncated BPTT", True, RIGHT),
    ("typed:truncated-bptt", "truncated backpropagation through time", True, RIGHT),
    ("typed:vanilla-rnn", "plain RNN", True, RIGHT),
    ("typed:vanilla-rnn", "vanilla RNN", True, RIGHT),
    ("typed:vanilla-rnn", "Elman network", True, RIGHT),
    ("typed-hidden-size", "8 rows and 8 columns", True, RIGHT),
    ("typed-hidden-size", "8x 8", True, RIGHT),
    ("typed-hidden-size", "8x8", True, RIGHT),
    ("typed-hidden-size", "8 × 8", True, RIGHT),
    ("typed-hidden-size", "8 by 8", True, RIGHT),
    ("typed-hidden-size", "8 X 8", True, RIGHT),
    ("typed-hidden-size", "8 rows by 8 columns", True, RIGHT),
    ("typed-one-hot", "1,0,0", True, RIGHT),
    ("typed-one-hot", "(1, 0, 0)", True, RIGHT),
    ("typed-one-hot", "1 0 0", True, RIGHT),
    ("typed-forget-gate", "forget gate", True, RIGHT),
    ("typed-forget-gate", "f_t", True, RIGHT),
    ("typed-forget-gate", "ft", True, RIGHT),
    ("typed-forget-gate", "the forget gate", True, RIGHT),
    ("typed-unrolling", "unrolling", True, RIGHT),
    ("typed-unrolling", "unfolding", True, RIGHT),
    ("typed-unrolling", "unrolled", True, RIGHT),
    ("typed-softmax", "softmax", True, RIGHT),
    ("typed-softmax", "soft max", True, RIGHT),
    ("typed-softmax", "softmax function", True, RIGHT),
    ("typed:gru", "GRU", True, RIGHT),
    ("typed:gru", "gated recurrent units", True, RIGHT),
    ("typed:gradient-descent", "gradient descent", True, RIGHT),
    ("typed:gradient-descent", "SGD", True, RIGHT),
    ("typed:learning-rate", "η", True, RIGHT),
    ("typed:eigenvalue", "eigenvalues", True, RIGHT),
    ("typed:hidden-state", "h_t", True, RIGHT),
    ("typed:hidden-state", "hidden states", True, RIGHT),
    ("typed:long-term-dependency", "long-term dependencies", True, RIGHT),
    ("typed:recurrent-neural-network", "RNNs", True, RIGHT),
    ("typed:gate", "gates", True, RIGHT),
    # --- misspelled, accepted with a spelling note
    ("typed-bptt", "backpropogation through time", True, SLIP),
    ("typed-spectral-radius", "spectal radius", True, SLIP),
    ("typed-forget-gate", "forgte gate", True, SLIP),
    ("typed-unrolling", "unrollling", True, SLIP),
    ("typed-softmax", "sofmtax", True, SLIP),
    ("typed:hidden-state", "hiden state", True, SLIP),
    ("typed:hidden-state", "hiddne state", True, SLIP),
    ("typed:gradient-descent", "gradiant descent", True, SLIP),
    ("typed:learning-rate", "lerning rate", True, SLIP),
    ("typed:eigenvalue", "eigenvlaue", True, SLIP),
    ("typed:sigmoid", "sigmiod", True, SLIP),
    ("typed:embedding", "embeding", True, SLIP),
    ("typed:vocabulary", "vocabluary", True, SLIP),
    ("typed:overfitting", "overfiting", True, SLIP),
    ("typed:gradient-clipping", "graident clipping", True, SLIP),
    ("typed:exploding-gradient-problem", "exploding gradeint problem", True, SLIP),
    ("typed:recurrent-neural-network", "recurent neural network", True, SLIP),
    ("typed:weight-sharing", "weight sharng", True, SLIP),
    ("typed:lstm", "LSMT", True, SLIP),
    ("typed:spectral-radius", "spectral radious", True, SLIP),
    # --- confusable: another real term, or a real word one or two letters away
    ("typed:gradient-descent", "gradient ascent", False, CONFUSABLE),
    ("typed:unrolling", "rolling", False, CONFUSABLE),
    ("typed:unrolling", "folding", False, CONFUSABLE),
    ("typed:unrolling", "enrolling", False, CONFUSABLE),
    ("typed-unrolling", "rolling", False, CONFUSABLE),
    ("typed-unrolling", "folding", False, CONFUSABLE),
    ("typed-unrolling", "enrolling", False, CONFUSABLE),
    ("typed:learning-rate", "learning rule", False, CONFUSABLE),
    ("typed:eigenvalue", "eigenvector", False, CONFUSABLE),
    ("typed:spectral-radius", "largest eigenvalue", False, CONFUSABLE),
    ("typed-spectral-radius", "largest eigenvalue", False, CONFUSABLE),
    ("typed-spectral-radius", "eigenvalue", False, CONFUSABLE),
    ("typed:gradient-clipping", "gradient capping", False, CONFUSABLE),
    ("typed:lstm", "GRU", False, CONFUSABLE),
    ("typed:lstm", "LSTN", False, CONFUSABLE),
    ("typed:gru", "LSTM", False, CONFUSABLE),
    ("typed:forget-gate", "input gate", False, CONFUSABLE),
    ("typed:forget-gate", "forget-gate bias", False, CONFUSABLE),
    ("typed-forget-gate", "input gate", False, CONFUSABLE),
    ("typed-forget-gate", "output gate", False, CONFUSABLE),
    ("typed-forget-gate", "i_t", False, CONFUSABLE),
    ("typed:input-gate", "output gate", False, CONFUSABLE),
    ("typed:hidden-state", "cell state", False, CONFUSABLE),
    ("typed:cell-state", "hidden state", False, CONFUSABLE),
    ("typed:tanh", "than", False, CONFUSABLE),
    ("typed:tanh", "tan", False, CONFUSABLE),
    ("typed:tanh", "sigmoid", False, CONFUSABLE),
    ("typed:vanishing-gradient-problem", "exploding gradient problem", False, CONFUSABLE),
    ("typed:exploding-gradient-problem", "vanishing gradient", False, CONFUSABLE),
    ("typed:reset-gate", "update gate", False, CONFUSABLE),
    ("typed:truncated-bptt", "BPTT", False, CONFUSABLE),
    ("typed:backpropagation-through-time", "TBPTT", False, CONFUSABLE),
    ("typed-bptt", "backpropagation", False, CONFUSABLE),
    ("typed:sigmoid", "softmax", False, CONFUSABLE),
    ("typed:recurrent-neural-network", "feedforward network", False, CONFUSABLE),
    ("typed:weight", "bias", False, CONFUSABLE),
    ("typed:gradient-norm", "gradient", False, CONFUSABLE),
    ("typed:overfitting", "underfitting", False, CONFUSABLE),
    ("typed:loss", "lose", False, CONFUSABLE),
    # --- wrong
    ("typed-hidden-size", "16x16", False, WRONG),
    ("typed-hidden-size", "8", False, WRONG),
    ("typed-hidden-size", "8x16", False, WRONG),
    ("typed-hidden-size", "9 by 8", False, WRONG),
    ("typed-one-hot", "0,1,0", False, WRONG),
    ("typed-one-hot", "1,1,0", False, WRONG),
    ("typed-softmax", "sigmoid", False, WRONG),
    ("typed-softmax", "argmax", False, WRONG),
    ("typed-bptt", "gradient descent", False, WRONG),
    ("typed:seed", "weight", False, WRONG),
    ("typed:gate", "date", False, WRONG),
    ("typed:gru", "RNN", False, WRONG),
    ("typed:vocabulary", "alphabet", False, WRONG),
    ("typed:time-step", "time", False, WRONG),
    ("typed:sequence", "sentence", False, WRONG),
    ("typed:embedding", "encoding", False, WRONG),
    ("typed:relu", "tanh", False, WRONG),
    ("typed:softmax", "", False, WRONG),
    ("typed-spectral-radius", "singular value", False, WRONG),
]


def test_the_table_is_large_and_covers_each_kind():
    assert len(TABLE) >= 100
    kinds = {category for *_, category in TABLE}
    assert kinds == {RIGHT, SLIP, CONFUSABLE, WRONG}
    assert all(key in questions() for key, *_ in TABLE)


@pytest.mark.parametrize(("key", "typed", "accepted", "category"), TABLE)
def test_typed_answer_verdict(key, typed, accepted, category):
    result = questions()[key].check(typed)
    assert result.correct is accepted, (key, typed, category, result.feedback)
    if accepted and category == SLIP:
        assert "spelled" in result.feedback
    if accepted and category == RIGHT:
        assert result.feedback == ""  # a plural or another spelling is not a slip


def test_every_typed_question_refuses_other_glossary_terms():
    """The confusable check is on for every typed question, written ones included."""
    content = load_all()
    names = [(t.id, n) for t in quiz.as_terms(content.glossary.entries) for n in t.names]
    for key, question in questions().items():
        assert question.confusables, key
        own = {canonical(a) for a in question.accepted}
        for term_id, name in names:
            if canonical(name) in own or key == f"typed:{term_id}":
                continue
            if any(canonical(n) in own for tid, n in names if tid == term_id):
                continue  # the question's own term under another name
            assert not question.check(name).correct, (key, name)


def _prompt_words(prompt: str) -> list[str]:
    return normalise(plain_text(prompt)).split()


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def test_no_prompt_shows_its_answer_a_word_of_it_or_a_symbol_alias():
    for key, question in questions().items():
        words = _prompt_words(question.prompt)
        singular_words = canonical(" ".join(words)).split()
        for name in question.accepted:
            assert not _contains(words, normalise(name).split()), (key, name)
        for word in quiz.answer_words(question.accepted[:1]):
            assert canonical(word) not in singular_words, (key, word, question.prompt)
        for symbol in quiz.symbol_aliases(question.accepted):
            assert not _contains(words, normalise(symbol).split()), (key, symbol)


def test_generated_choice_prompts_hide_the_term_too():
    content = load_all()
    terms = quiz.as_terms(content.glossary.entries)
    for term in terms:
        question = quiz.definition_to_term(terms, term.id, seed=0)
        words = canonical(plain_text(question.prompt)).split()
        for word in quiz.answer_words(term.names[:1]):
            assert canonical(word) not in words, (term.id, word)
        for symbol in quiz.symbol_aliases(term.names):
            assert not _contains(
                normalise(plain_text(question.prompt)).split(), [*normalise(symbol).split()]
            ), (term.id, symbol)
