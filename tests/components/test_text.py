"""Text components against the libraries called directly: scikit-learn's stop words, vectorizers and LDA,
simplemma's lemmas and snowballstemmer's stems."""
import numpy as np
import pandas as pd
import pytest
import simplemma
import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, HashingVectorizer, TfidfVectorizer

from components.ports import column_roles, with_roles
from components.spec import ComponentError

TEXTS = ["The mice were running quickly to the barn", "Dogs are barking at the mailman, loudly!",
         "Visit https://example.com or mail me@example.com", "Cats and dogs play in 2024 and 2025",
         "I don't like cats"]


@pytest.fixture
def reviews():
    return with_roles(pd.DataFrame({"review": TEXTS, "happy": [1, 0, 1, 1, 0]}), label="happy")


def test_lemmas_and_stop_words_are_simplemmas_and_scikit_learns(run_component, reviews):
    out = run_component("preprocess-text", {"dataset": reviews},
                        {"text_column_to_clean": "review"})["results_dataset"]
    words = [w for w in "the mice were running quickly to the barn".split() if w not in ENGLISH_STOP_WORDS]
    assert out["Preprocessed review"][0] == " ".join(simplemma.lemmatize(w, lang="en") for w in words)
    assert out["Preprocessed review"][0] == "mouse run quickly barn"
    assert out["Preprocessed review"][2] == "visit mail"
    assert out["Preprocessed review"][3] == "cat dog play"
    assert column_roles(out)["label"] == "happy"


def test_stems_are_snowballs(run_component, reviews):
    out = run_component("preprocess-text", {"dataset": reviews},
                        {"text_column_to_clean": "review", "use_lemmatization": False, "use_stemming": True,
                         "remove_stop_words": False, "remove_numbers": False})["results_dataset"]
    stemmer = snowballstemmer.stemmer("english")
    expected = " ".join(stemmer.stemWords("cats and dogs play in 2024 and 2025".split()))
    assert out["Preprocessed review"][3] == expected


def test_own_stop_words_replace_the_built_in_list(run_component, reviews):
    stop = pd.DataFrame({"word": ["dogs", "Barking"]})
    out = run_component("preprocess-text", {"dataset": reviews, "stop_words": stop},
                        {"text_column_to_clean": "review", "use_lemmatization": False})["results_dataset"]
    assert out["Preprocessed review"][1] == "are at the mailman loudly"


def test_preprocessing_a_missing_or_number_column_is_a_node_error(run_component, reviews):
    with pytest.raises(ComponentError, match="'nope'"):
        run_component("preprocess-text", {"dataset": reviews}, {"text_column_to_clean": "nope"})
    with pytest.raises(ComponentError, match="numbers"):
        run_component("preprocess-text", {"dataset": reviews}, {"text_column_to_clean": "happy"})


@pytest.mark.parametrize("weighting", ["binary", "tf", "idf", "tf-idf"])
def test_n_gram_weights_equal_scikit_learns_vectorizers(run_component, reviews, weighting):
    out = run_component("extract-n-gram-features", {"dataset": reviews},
                        {"text_column": "review", "n_grams_size": 2, "weighting_function": weighting})
    pattern = r"(?u)\b\w{3,25}\b"
    counts = CountVectorizer(ngram_range=(1, 2), token_pattern=pattern)
    matrix = counts.fit_transform(TEXTS).toarray().astype(float)
    tfidf = TfidfVectorizer(ngram_range=(1, 2), token_pattern=pattern, norm=None).fit(TEXTS)
    expected = {"binary": (matrix > 0) * 1.0, "tf": matrix, "idf": (matrix > 0) * tfidf.idf_,
                "tf-idf": tfidf.transform(TEXTS).toarray()}[weighting]
    table = out["results_dataset"]
    names = [f"review.[{t}]" for t in counts.get_feature_names_out()]
    assert "review" not in table.columns
    np.testing.assert_allclose(table[names].to_numpy(), expected)
    new = out["result_vocabulary"].apply(pd.DataFrame({"review": ["dogs and cats unknownword"]}))
    assert list(new.columns) == names
    assert new["review.[dogs]"].iloc[0] > 0 and new.to_numpy().sum() > 0


def test_feature_hashing_equals_hashing_vectorizer(run_component, reviews):
    out = run_component("feature-hashing", {"dataset": reviews},
                        {"target_columns": "review", "hashing_bitsize": 6, "n_grams": 2})["transformed_dataset"]
    expected = HashingVectorizer(n_features=64, ngram_range=(1, 2), alternate_sign=False,
                                 norm=None).transform(TEXTS).toarray()
    np.testing.assert_array_equal(out[[f"review_HashingFeature.{i}" for i in range(64)]].to_numpy(), expected)
    assert out["happy"].tolist() == reviews["happy"].tolist()


def test_lda_topics_equal_scikit_learns_and_carry_to_new_rows(run_component, reviews):
    from sklearn.decomposition import LatentDirichletAllocation

    out = run_component("latent-dirichlet-allocation", {"dataset": reviews},
                        {"target_columns": "review", "number_of_topics_to_model": 3, "n_grams": 1})
    counts = CountVectorizer(ngram_range=(1, 1), max_features=20_000).fit(TEXTS)
    lda = LatentDirichletAllocation(n_components=3, doc_topic_prior=0.01, topic_word_prior=0.01, max_iter=25,
                                    learning_method="batch", random_state=0).fit(counts.transform(TEXTS))
    np.testing.assert_allclose(out["transformed_dataset"][["Topic 0", "Topic 1", "Topic 2"]].to_numpy(),
                               lda.transform(counts.transform(TEXTS)))
    assert out["feature_topic_matrix"]["Feature"].tolist() == list(counts.get_feature_names_out())
    again = out["lda_transformation"].apply(reviews.drop(columns="happy"))
    np.testing.assert_allclose(again.to_numpy(), out["transformed_dataset"][["Topic 0", "Topic 1",
                                                                             "Topic 2"]].to_numpy())


def test_an_input_vocabulary_is_applied_read_only(run_component, reviews):
    first = run_component("extract-n-gram-features", {"dataset": reviews},
                          {"text_column": "review", "weighting_function": "tf-idf"})
    others = pd.DataFrame({"review": ["cats cats and a zebra", "nothing known here"], "happy": [1, 0]})
    again = run_component("extract-n-gram-features",
                          {"dataset": others, "input_vocabulary": first["result_vocabulary"]},
                          {"text_column": "review", "weighting_function": "binary"})
    assert again["result_vocabulary"] is first["result_vocabulary"]
    assert list(again["results_dataset"].columns) == list(first["results_dataset"].columns)
    expected = first["result_vocabulary"].apply(others)
    pd.testing.assert_frame_equal(again["results_dataset"], expected)
    assert again["results_dataset"]["review.[cats]"].iloc[0] > 0
    assert again["results_dataset"].drop(columns="happy").iloc[1].sum() == 0


def test_feature_hashing_a_missing_column_is_named(run_component, reviews):
    with pytest.raises(ComponentError, match="'nope'"):
        run_component("feature-hashing", {"dataset": reviews}, {"target_columns": "nope"})
