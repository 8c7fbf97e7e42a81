"""Text Analytics that learn nothing: Preprocess Text (cleaning, stop words, lemmas or stems) and Feature Hashing.

Stop words are scikit-learn's English list; lemmas come from simplemma and stems
from snowballstemmer, both of which ship their data inside the package, so
nothing is downloaded at run time. Both components give the same output for
the same rows every time, so inference graphs keep them as they are.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from components.columns import chosen_columns, keep_roles, require_columns
from components.ports import DataFrame, column_roles
from components.roles import Kind
from components.spec import ComponentError, Input, Param, component
from components.table_schema import Column, SchemaInputs, TableSchema, with_column

CATEGORY = "Text Analytics"
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b")
_SPECIAL = re.compile(r"[^\w\s]|_")
_REPEATS = re.compile(r"(\w)\1{2,}")
_CONTRACTIONS = {"n't": " not", "'re": " are", "'ll": " will", "'ve": " have", "'m": " am", "'d": " would"}
_TOKEN = re.compile(r"\w+|[^\w\s]")
LANGUAGES = {"english": ("en", "english")}
#: Feature hashing can make a million columns: beyond this many the canvas is told they are unknown.
_MOST_PREDICTED_COLUMNS = 65_536


def text_column_of(dataset: pd.DataFrame, name: str, what: str) -> str:
    """The one text column a text component works on (checked to exist and to hold text)."""
    if not name.strip():
        raise ComponentError(f"set the text column {what} works on")
    require_columns(dataset, [name.strip()])
    column = name.strip()
    if pd.api.types.is_numeric_dtype(dataset[column]):
        raise ComponentError(f"column {column!r} holds numbers, not text")
    return column


class TextCleaner:
    """The steps Preprocess Text applies to one text, in Azure's order."""

    def __init__(self, *, language: str, lowercase: bool, stop_words: frozenset | None, lemmatize: bool,
                 stem: bool, numbers: bool, special: bool, duplicates: bool, emails: bool, urls: bool,
                 contractions: bool, backslashes: bool):
        self.language = language
        self.lowercase, self.stop_words, self.lemmatize, self.stem = lowercase, stop_words, lemmatize, stem
        self.numbers, self.special, self.duplicates = numbers, special, duplicates
        self.emails, self.urls, self.contractions, self.backslashes = emails, urls, contractions, backslashes
        self._stemmer = None
        if stem:
            import snowballstemmer

            self._stemmer = snowballstemmer.stemmer(LANGUAGES[language][1])

    def __call__(self, text) -> str | None:
        if text is None or (isinstance(text, float) and np.isnan(text)):
            return None
        text = str(text)
        if self.urls:
            text = _URL.sub(" ", text)
        if self.emails:
            text = _EMAIL.sub(" ", text)
        if self.backslashes:
            text = text.replace("\\", "/")
        if self.contractions:
            for short, long in _CONTRACTIONS.items():
                text = re.sub(re.escape(short) + r"\b", long, text, flags=re.IGNORECASE)
        if self.lowercase:
            text = text.lower()
        if self.numbers:
            text = _NUMBER.sub(" ", text)
        if self.special:
            text = _SPECIAL.sub(" ", text)
        if self.duplicates:
            text = _REPEATS.sub(r"\1", text)
        tokens = _TOKEN.findall(text)
        if self.stop_words is not None:
            tokens = [t for t in tokens if t.lower() not in self.stop_words]
        if self.lemmatize:
            import simplemma

            tokens = [simplemma.lemmatize(t, lang=LANGUAGES[self.language][0]) for t in tokens]
        if self._stemmer is not None:
            tokens = self._stemmer.stemWords(tokens)
        return " ".join(tokens)


def _stop_word_list(stop_words, enabled: bool) -> frozenset | None:
    if not enabled:
        return None
    if stop_words is None:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS)
    first = stop_words[stop_words.columns[0]].dropna().astype(str).str.strip().str.lower()
    return frozenset(first[first != ""])


def text_column_schema(s: SchemaInputs, param: str) -> str | None:
    """`text_column_of` before a run: the named column when the input has it and it may hold text."""
    name = s.column(param)
    table = s.table()
    column = table.column(name) if table is not None and name else None
    return name if column is not None and column.type in ("text", "unknown") else None


def _preprocessed_schema(s: SchemaInputs) -> dict:
    column = text_column_schema(s, "text_column_to_clean")
    if column is None:
        return {}
    return {"results_dataset": with_column(s.table(), Column(f"Preprocessed {column}", "text"))}


@component(id="preprocess-text", category=CATEGORY, schema=_preprocessed_schema,
           inputs={"dataset": DataFrame,
                   "stop_words": Input(DataFrame, optional=True,
                                       description="Your own stop words, one per row in the first column.")},
           outputs={"results_dataset": DataFrame}, tags=("nlp", "clean text", "lemmatization", "stemming"))
def preprocess_text(dataset, stop_words=None, *,
                    text_column_to_clean: Param(str, "", kind=Kind.COLUMN, required=True,
                                                description="The text column to clean."),
                    language: Param(str, "english", choices=tuple(LANGUAGES), description="Language of the text."),
                    remove_stop_words: Param(bool, True, description="Drop words such as 'the' and 'and' "
                                                                     "(scikit-learn's English list, or the "
                                                                     "stop_words input)."),
                    use_lemmatization: Param(bool, True, description="Replace words by their dictionary form "
                                                                     "(simplemma): 'mice' → 'mouse'."),
                    use_stemming: Param(bool, False, description="Cut words to their stem (Snowball): "
                                                                 "'running' → 'run'."),
                    normalize_case_to_lowercase: Param(bool, True, description="Lower-case everything."),
                    remove_numbers: Param(bool, True, description="Drop numbers."),
                    remove_special_characters: Param(bool, True, description="Drop punctuation and symbols."),
                    remove_duplicate_characters: Param(bool, False, description="'sooooo' → 'so' (three or "
                                                                                "more repeats)."),
                    remove_email_addresses: Param(bool, True, description="Drop e-mail addresses."),
                    remove_urls: Param(bool, True, description="Drop web addresses."),
                    expand_verb_contractions: Param(bool, True, description="\"don't\" → \"do not\"."),
                    normalize_backslashes_to_slashes: Param(bool, True, description="\\ → /.")):
    """Clean a text column for text features: adds `Preprocessed <column>` with the cleaned text.

    Steps, in order: web and e-mail addresses out, contractions expanded,
    lower case, numbers and special characters out, repeats squeezed, stop words
    out, then lemmas and/or stems; tokens are joined by single spaces.
    """
    column = text_column_of(dataset, text_column_to_clean, "preprocess-text")
    cleaner = TextCleaner(language=language, lowercase=normalize_case_to_lowercase,
                          stop_words=_stop_word_list(stop_words, remove_stop_words), lemmatize=use_lemmatization,
                          stem=use_stemming, numbers=remove_numbers, special=remove_special_characters,
                          duplicates=remove_duplicate_characters, emails=remove_email_addresses, urls=remove_urls,
                          contractions=expand_verb_contractions, backslashes=normalize_backslashes_to_slashes)
    result = dataset.copy()
    result[f"Preprocessed {column}"] = dataset[column].map(cleaner).astype(object)
    return keep_roles(result, dataset)


def replace_text_columns(dataset: pd.DataFrame, text_columns: list[str], new: pd.DataFrame) -> pd.DataFrame:
    """`dataset` without its text columns and with the number columns made from them (features role updated)."""
    clashes = [c for c in new.columns if c in dataset.columns and c not in text_columns]
    if clashes:
        raise ComponentError(f"the new feature columns {clashes[:3]} already exist in the dataset")
    result = pd.concat([dataset.drop(columns=text_columns), new.set_index(dataset.index)], axis=1)
    features = column_roles(dataset).get("features")
    changes = {}
    if features:
        changes["features"] = [c for c in features if c not in text_columns] + list(new.columns)
    return keep_roles(result, dataset, **changes)


def replaced_text_columns(table: TableSchema, text_columns: list[str], new: list[Column]) -> TableSchema | None:
    """`replace_text_columns` on a schema (None where it would refuse clashing names)."""
    if any(table.column(c.name) is not None and c.name not in text_columns for c in new):
        return None
    kept = [c for c in table.columns if c.name not in text_columns]
    features = None
    if table.features:
        features = tuple(f for f in table.features if f not in text_columns) + tuple(c.name for c in new)
    return table.with_columns((*kept, *new), features=features)


def _hashed_schema(s: SchemaInputs) -> dict:
    names = s.columns("target_columns")
    table = s.table()
    if table is None or not names or any(table.column(n) is None or table.column(n).type not in ("text", "unknown")
                                         for n in names):
        return {}
    bits = s.params.get("hashing_bitsize")
    if not isinstance(bits, int) or not 1 <= bits <= 20 or 2 ** bits * len(names) > _MOST_PREDICTED_COLUMNS:
        return {}  # out of range (the run says so), or too many to send to the canvas on every edit
    size = 2 ** bits
    new = [Column(f"{n}_HashingFeature.{i}", "number") for n in names for i in range(size)]
    return {"transformed_dataset": replaced_text_columns(table, names, new)}


def as_documents(series: pd.Series) -> list[str]:
    return ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in series.tolist()]


@component(id="feature-hashing", category=CATEGORY, inputs={"dataset": DataFrame},
           outputs={"transformed_dataset": DataFrame}, tags=("nlp", "hashing trick"),
           schema=_hashed_schema)
def feature_hashing(dataset, *,
                    target_columns: Param(str, "", kind=Kind.COLUMNS, required=True,
                                          description="Text columns to hash, comma separated."),
                    hashing_bitsize: Param(int, 10, min=1, max=20, description="2^bits feature columns per text "
                                                                                "column."),
                    n_grams: Param(int, 2, min=1, max=10, description="Longest word sequence hashed (1 is single "
                                                                      "words).")):
    """Turn text into a fixed number of count columns by hashing its words and n-grams.

    scikit-learn's HashingVectorizer (no sign flipping, no normalisation). Each
    text column becomes 2^hashing_bitsize columns `<column>_HashingFeature.<i>`
    holding how often the words hashed to i occur; the text column is removed.
    No vocabulary is learned, so new rows hash the same way.
    """
    from sklearn.feature_extraction.text import HashingVectorizer

    columns = chosen_columns(dataset, target_columns)
    for column in columns:
        text_column_of(dataset, column, "feature-hashing")
    pieces = []
    for column in columns:
        vectorizer = HashingVectorizer(n_features=2 ** hashing_bitsize, ngram_range=(1, n_grams),
                                       alternate_sign=False, norm=None)
        counts = vectorizer.transform(as_documents(dataset[column])).toarray()
        pieces.append(pd.DataFrame(counts, columns=[f"{column}_HashingFeature.{i}" for i in range(counts.shape[1])]))
    return replace_text_columns(dataset, columns, pd.concat(pieces, axis=1))
