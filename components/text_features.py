"""Text Analytics that learn from the training text: n-gram vocabularies and LDA topics.

Both give a fitted `TableTransformation` (a vocabulary, a topic model) that
apply-transformation re-applies to new rows, so an inference graph turns text
into exactly the columns the model was trained on.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from components.fitted import TableTransformation
from components.ports import DataFrame, Transformation
from components.roles import Kind
from components.spec import ComponentError, Input, Param, component
from components.table_schema import Apply, Column, SchemaInputs, TableSchema, TransformSchema, transform_kind
from components.text import as_documents, replace_text_columns, replaced_text_columns, text_column_of, \
    text_column_schema

CATEGORY = "Text Analytics"
WEIGHTS = ("binary", "tf", "idf", "tf-idf")


class NGramVocabulary(TableTransformation):
    """A vocabulary of n-grams and their IDF learned from training text; turns a text column into one
    weight column per n-gram (`<column>.[<n-gram>]`)."""

    title = "n-gram features"

    def __init__(self, column: str, vectorizer, idf: np.ndarray, weighting: str, normalize: bool):
        self.column, self.vectorizer, self.idf = column, vectorizer, idf
        self.weighting, self.normalize = weighting, normalize

    @property
    def required_columns(self) -> tuple[str, ...]:
        return (self.column,)

    def vocabulary(self) -> list[str]:
        return list(self.vectorizer.get_feature_names_out())

    def weights(self, documents: list[str]) -> np.ndarray:
        counts = self.vectorizer.transform(documents).toarray().astype(np.float64)
        if self.weighting == "binary":
            weights = (counts > 0).astype(np.float64)
        elif self.weighting == "tf":
            weights = counts
        elif self.weighting == "idf":
            weights = (counts > 0) * self.idf
        else:
            weights = counts * self.idf
        if self.normalize:
            norms = np.linalg.norm(weights, axis=1, keepdims=True)
            weights = np.divide(weights, norms, out=np.zeros_like(weights), where=norms > 0)
        return weights

    def _transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        weights = self.weights(as_documents(frame[self.column]))
        names = [f"{self.column}.[{term}]" for term in self.vocabulary()]
        return replace_text_columns(frame, [self.column], pd.DataFrame(weights, columns=names))

    def _role_changes(self, roles: dict) -> dict:
        if roles.get("features"):
            names = [f"{self.column}.[{term}]" for term in self.vocabulary()]
            return {"features": [c for c in roles["features"] if c != self.column] + names}
        return {}

    def schema_facts(self) -> dict:
        return {"kind": "n-grams", "column": self.column,
                "columns": [f"{self.column}.[{term}]" for term in self.vocabulary()]}

    def describe(self) -> dict:
        return {"kind": "NGramVocabulary", "column": self.column, "weighting": self.weighting,
                "size": len(self.vocabulary())}


def _vocabulary_schema(s: SchemaInputs) -> dict:
    text_column_schema(s, "text_column")
    given = s.transformation("input_vocabulary")
    if given is None or given.kind != "n-grams":
        return {}  # one column per n-gram of a vocabulary learned from the text itself
    table = s.table()
    return {"results_dataset": given.apply(table) if table is not None else None, "result_vocabulary": given}


@transform_kind("n-grams")
def text_replaced(facts) -> Apply:
    """A vocabulary's or topic model's apply on a schema: the text column replaced by its number columns."""
    column, new = str(facts["column"]), [Column(str(name), "number") for name in facts["columns"]]

    def apply(source: TableSchema) -> TableSchema | None:
        if source.column(column) is None:
            return None
        return replaced_text_columns(source, [column], new)

    return apply


@component(id="extract-n-gram-features", category=CATEGORY,
           inputs={"dataset": DataFrame,
                   "input_vocabulary": Input(Transformation, optional=True,
                                             description="A vocabulary made earlier (read-only mode): its n-grams "
                                                         "and IDF are used as they are.")},
           outputs={"results_dataset": DataFrame, "result_vocabulary": Transformation},
           name="Extract N-Gram Features from Text", tags=("nlp", "bag of words", "tf-idf"),
           schema=_vocabulary_schema)
def extract_n_gram_features(dataset, input_vocabulary=None, *,
                            text_column: Param(str, "", kind=Kind.COLUMN, required=True,
                                               description="The text column to turn into n-gram columns."),
                            n_grams_size: Param(int, 1, min=1, max=10, description="Longest word sequence kept "
                                                                                   "(2 keeps words and pairs)."),
                            weighting_function: Param(str, "tf", choices=WEIGHTS,
                                                      description="binary: 1 if present; tf: count; idf: the "
                                                                  "n-gram's IDF if present; tf-idf: count × IDF."),
                            minimum_word_length: Param(int, 3, min=1, max=100, description="Shorter words are "
                                                                                          "skipped."),
                            maximum_word_length: Param(int, 25, min=1, max=1000, description="Longer words are "
                                                                                            "skipped."),
                            minimum_n_gram_document_absolute_frequency: Param(
                                int, 1, min=1, description="Keep n-grams found in at least this many rows."),
                            maximum_n_gram_document_ratio: Param(
                                float, 1.0, min=0.0, max=1.0, description="Drop n-grams found in more than this "
                                                                          "share of rows."),
                            maximum_vocabulary_size: Param(int, 10_000, min=1, max=1_000_000,
                                                           description="Keep at most this many, most frequent "
                                                                       "first."),
                            normalize_n_gram_feature_vectors: Param(bool, False, description="Scale each row's "
                                                                                             "weights to unit "
                                                                                             "length (L2).")):
    """Turn a text column into one weight column per word or word sequence of a learned vocabulary.

    The columns are named `<column>.[<n-gram>]` and replace the text column.
    Counting and IDF are scikit-learn's CountVectorizer and TfidfTransformer
    (smoothed IDF: ln((1 + rows) / (1 + rows with it)) + 1). `result_vocabulary`
    re-applies the same vocabulary and IDF to new rows; n-grams it never saw are
    ignored. With `input_vocabulary` connected (Azure's read-only mode) nothing
    is learned: that vocabulary, with its settings, is applied and passed on.
    """
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    if input_vocabulary is not None:
        if not isinstance(input_vocabulary, NGramVocabulary):
            raise ComponentError("input_vocabulary must be the result_vocabulary of another "
                                 "extract-n-gram-features node")
        return input_vocabulary.apply(dataset), input_vocabulary
    column = text_column_of(dataset, text_column, "extract-n-gram-features")
    if minimum_word_length > maximum_word_length:
        raise ComponentError("minimum_word_length is above maximum_word_length")
    documents = as_documents(dataset[column])
    vectorizer = CountVectorizer(ngram_range=(1, n_grams_size), lowercase=True,
                                 token_pattern=rf"(?u)\b\w{{{minimum_word_length},{maximum_word_length}}}\b",
                                 min_df=minimum_n_gram_document_absolute_frequency,
                                 max_df=maximum_n_gram_document_ratio, max_features=maximum_vocabulary_size)
    try:
        counts = vectorizer.fit_transform(documents)
    except ValueError as exc:
        raise ComponentError(f"no n-grams are left in column {column!r} with these settings ({exc})") from None
    idf = TfidfTransformer(smooth_idf=True).fit(counts).idf_
    vocabulary = NGramVocabulary(column, vectorizer, idf, weighting_function,
                                 normalize_n_gram_feature_vectors).fitted_on(dataset)
    return vocabulary.apply(dataset), vocabulary


class TopicModel(TableTransformation):
    """A fitted LDA model: turns a text column into one topic-share column per topic."""

    title = "latent dirichlet allocation"

    def __init__(self, column: str, vectorizer, lda, normalize: bool):
        self.column, self.vectorizer, self.lda, self.normalize = column, vectorizer, lda, normalize

    @property
    def required_columns(self) -> tuple[str, ...]:
        return (self.column,)

    def topic_names(self) -> list[str]:
        return [f"Topic {i}" for i in range(self.lda.n_components)]

    def topics(self, documents: list[str]) -> np.ndarray:
        shares = self.lda.transform(self.vectorizer.transform(documents))
        return shares if self.normalize else shares * np.asarray(self.vectorizer.transform(documents).sum(axis=1))

    def _transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        topics = self.topics(as_documents(frame[self.column]))
        return replace_text_columns(frame, [self.column], pd.DataFrame(topics, columns=self.topic_names()))

    def _role_changes(self, roles: dict) -> dict:
        if roles.get("features"):
            return {"features": [c for c in roles["features"] if c != self.column] + self.topic_names()}
        return {}

    def schema_facts(self) -> dict:
        return {"kind": "topics", "column": self.column, "columns": self.topic_names()}

    def describe(self) -> dict:
        return {"kind": "TopicModel", "column": self.column, "topics": self.lda.n_components}


def _topics_schema(s: SchemaInputs) -> dict:
    column = text_column_schema(s, "target_columns")
    if column is None:
        return {}
    count = s.params.get("number_of_topics_to_model")
    if not isinstance(count, int) or not 1 <= count <= 1000:
        return {}  # the run says what is wrong with it
    topics = [f"Topic {i}" for i in range(count)]
    apply = text_replaced({"column": column, "columns": topics})
    matrix = TableSchema((Column("Feature", "text"), *(Column(t, "number") for t in topics)))
    return {"transformed_dataset": apply(s.table()), "feature_topic_matrix": matrix,
            "lda_transformation": TransformSchema("topics", apply)}


transform_kind("topics")(text_replaced)


@component(id="latent-dirichlet-allocation", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"transformed_dataset": DataFrame, "feature_topic_matrix": DataFrame,
                    "lda_transformation": Transformation}, tags=("nlp", "topics", "lda"),
           schema=_topics_schema)
def latent_dirichlet_allocation(dataset, *,
                                target_columns: Param(str, "", kind=Kind.COLUMN, required=True,
                                                      description="The text column to find topics in."),
                                number_of_topics_to_model: Param(int, 5, min=1, max=1000,
                                                                 description="How many topics."),
                                n_grams: Param(int, 2, min=1, max=5, description="Longest word sequence counted."),
                                normalize: Param(bool, True, description="Topic columns hold shares summing to 1 "
                                                                         "per row; off, expected word counts."),
                                rho_parameter: Param(float, 0.01, min=1e-6, max=1.0,
                                                     description="Prior of words per topic (topic_word_prior)."),
                                alpha_parameter: Param(float, 0.01, min=1e-6, max=1.0,
                                                       description="Prior of topics per row (doc_topic_prior)."),
                                number_of_passes_over_the_data: Param(int, 25, min=1, max=1000,
                                                                      description="Training passes."),
                                maximum_size_of_ngram_dictionary: Param(int, 20_000, min=1, max=1_000_000,
                                                                        description="Most n-grams kept."),
                                random_seed: Param(int, 0, min=0, description="Random seed.")):
    """Latent Dirichlet allocation (scikit-learn's): find topics in a text column.

    `transformed_dataset` replaces the text column by `Topic 0..k-1` columns;
    `feature_topic_matrix` has one row per n-gram and its weight in each topic;
    `lda_transformation` gives new rows the same topic columns.
    """
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    column = text_column_of(dataset, target_columns, "latent-dirichlet-allocation")
    vectorizer = CountVectorizer(ngram_range=(1, n_grams), max_features=maximum_size_of_ngram_dictionary)
    try:
        counts = vectorizer.fit_transform(as_documents(dataset[column]))
    except ValueError as exc:
        raise ComponentError(f"column {column!r} has no words to find topics in ({exc})") from None
    lda = LatentDirichletAllocation(n_components=number_of_topics_to_model, doc_topic_prior=alpha_parameter,
                                    topic_word_prior=rho_parameter, max_iter=number_of_passes_over_the_data,
                                    learning_method="batch", random_state=random_seed).fit(counts)
    model = TopicModel(column, vectorizer, lda, normalize).fitted_on(dataset)
    matrix = pd.DataFrame(lda.components_.T, columns=model.topic_names())
    matrix.insert(0, "Feature", vectorizer.get_feature_names_out())
    return model.apply(dataset), matrix, model
