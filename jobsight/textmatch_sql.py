"""The keyword matcher of ``jobsight.textmatch`` as the databases run it.

Three PostgreSQL functions mirror the Python definition and are created by a migration in each
database that matches titles (rendered from the tables in ``jobsight.textmatch``, so the two
cannot drift apart unnoticed: ``FINGERPRINT`` is recorded by the migration, a test compares):

* ``textmatch_words(title)`` and ``textmatch_terms(title)``: a title's words and terms, stored
  per distinct title (``job_titles``, ``dim_title``) as generated columns, ``terms`` indexed;
* ``textmatch_close(keyword, term, typos)``: a misspelling within its edits.

Keywords are turned into terms in Python (``textmatch.keywords``); ``title_match`` builds the
SQL that selects and ranks the distinct titles matching them: exact terms through the GIN index
on ``terms``, misspelt ones through the table of every title term (a few thousand words, not
one per job). Saved searches (users_db) go the other way round, one new title against every
stored search: see ``jobsight.notifications``.

Changing a table in ``jobsight.textmatch`` changes ``FINGERPRINT``: write a migration in each
database that re-creates these functions, recomputes the stored columns (``UPDATE ... SET name =
name``) and refills the term tables.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import Text

from jobsight import textmatch as tm


def _text_array(values) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def _json(value) -> str:
    return "'" + json.dumps(value, ensure_ascii=False, sort_keys=True).replace("'", "''") + "'::jsonb"


_SYNONYMS = _json(tm.SYNONYMS)
_GROUPS = _text_array(sorted(tm.SYNONYM_GROUPS))
_PHRASES = _json({term: [" ".join(phrase) for phrase in phrases] for term, phrases in tm.PHRASES.items()})

FUNCTIONS = (
    f"""
CREATE OR REPLACE FUNCTION public.textmatch_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT {"".join("replace(" for _ in tm.MULTI_FOLD)}lower(translate(value, '{tm.FOLD_FROM}', '{tm.FOLD_TO}'))
           {" ".join(f", '{a}', '{b}')" for a, b in tm.MULTI_FOLD)}
$$""",
    """
CREATE OR REPLACE FUNCTION public.textmatch_clean(part text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    part := rtrim(ltrim(part, '+#'), '.');
    IF left(part, 2) = '..' THEN
        part := '.' || ltrim(part, '.');
    END IF;
    RETURN CASE WHEN part ~ '[a-z0-9]' THEN part END;
END
$$""",
    f"""
CREATE OR REPLACE FUNCTION public.textmatch_stem(word text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    IF length(word) <= 3 OR word !~ '^[a-z]+$' OR word = ANY({_text_array(sorted(tm.NO_STEM))})
       OR {_SYNONYMS} ? word THEN
        RETURN word;
    ELSIF word LIKE '%ies' AND length(word) > 4 THEN
        RETURN left(word, -3) || 'y';
    ELSIF word ~ '(sses|shes|ches|xes|zes)$' THEN
        RETURN left(word, -2);
    ELSIF word LIKE '%s' AND word !~ '(ss|us|is|os)$' THEN
        RETURN left(word, -1);
    ELSIF length(word) >= 6 AND word ~ '(ori|eri|ari|isti|anti|enti)$' THEN
        RETURN left(word, -1);
    ELSIF length(word) >= 9 AND word LIKE '%innen' THEN
        RETURN left(word, -5);
    ELSIF length(word) >= 8 AND word ~ '(er|eur|ist|ant|ent|ekt)in$' THEN
        RETURN left(word, -2);
    END IF;
    RETURN word;
END
$$""",
    f"""
CREATE OR REPLACE FUNCTION public.textmatch_words(title text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    chunk text;
    part text;
    cleaned text;
    found text[] := '{{}}';
BEGIN
    FOR chunk IN SELECT regexp_split_to_table(public.textmatch_fold(title), '{tm.SEPARATORS}') LOOP
        FOREACH part IN ARRAY string_to_array(chunk, '-') LOOP
            cleaned := public.textmatch_clean(part);
            IF cleaned IS NOT NULL THEN
                found := found || public.textmatch_stem(cleaned);
            END IF;
        END LOOP;
    END LOOP;
    RETURN found;
END
$$""",
    f"""
CREATE OR REPLACE FUNCTION public.textmatch_terms(title text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    synonyms constant jsonb := {_SYNONYMS};
    chunk text;
    part text;
    cleaned text;
    parts text[];
    candidates text[];
    word text;
    head text;
    prefix text;
    term text;
    phrases jsonb;
    literal text[] := '{{}}';
    found text[] := '{{}}';
    sentence text;
BEGIN
    FOR chunk IN SELECT regexp_split_to_table(public.textmatch_fold(title), '{tm.SEPARATORS}') LOOP
        parts := '{{}}';
        FOREACH part IN ARRAY string_to_array(chunk, '-') LOOP
            cleaned := public.textmatch_clean(part);
            IF cleaned IS NOT NULL THEN
                parts := parts || cleaned;
            END IF;
        END LOOP;
        CONTINUE WHEN cardinality(parts) = 0;
        candidates := '{{}}';
        FOREACH part IN ARRAY parts LOOP
            candidates := candidates || public.textmatch_stem(part);
        END LOOP;
        literal := literal || candidates;
        IF cardinality(parts) > 1 THEN
            candidates := candidates || public.textmatch_stem(array_to_string(parts, ''));
        END IF;
        FOREACH word IN ARRAY candidates LOOP
            found := found || word || coalesce(synonyms ->> word, word);
            IF length(word) >= {tm.MIN_COMPOUND} AND NOT synonyms ? word AND NOT word = ANY({_GROUPS}) THEN
                FOREACH head IN ARRAY {_text_array(tm.HEADS)} LOOP
                    IF right(word, length(head)) = head AND length(word) - length(head) >= {tm.MIN_PREFIX} THEN
                        prefix := public.textmatch_stem(left(word, -length(head)));
                        found := found || prefix || coalesce(synonyms ->> prefix, prefix)
                                 || head || coalesce(synonyms ->> head, head);
                        EXIT;
                    END IF;
                END LOOP;
            END IF;
        END LOOP;
    END LOOP;
    sentence := ' ' || array_to_string(literal, ' ') || ' ';
    FOR term, phrases IN SELECT key, value FROM jsonb_each({_PHRASES}) LOOP
        IF term = ANY(literal) OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(phrases) AS p(phrase)
                                          WHERE strpos(sentence, ' ' || p.phrase || ' ') > 0) THEN
            found := found || term;
            IF term = ANY(literal) THEN
                found := found || ARRAY(SELECT spelt FROM jsonb_array_elements_text(phrases) AS p(phrase),
                                        regexp_split_to_table(p.phrase, ' ') AS w(word),
                                        LATERAL (VALUES (w.word), (coalesce(synonyms ->> w.word, w.word))) AS s(spelt));
            END IF;
        END IF;
    END LOOP;
    RETURN ARRAY(SELECT DISTINCT t FROM unnest(found) AS t ORDER BY t);
END
$$""",
    """
CREATE OR REPLACE FUNCTION public.textmatch_osa(a text, b text) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    la integer := length(a);
    lb integer := length(b);
    w integer := length(b) + 1;
    d integer[];
    cost integer;
BEGIN
    -- the (la + 1) x (lb + 1) distance table, row by row: cell (i, j) is d[i * w + j + 1]
    d := array_fill(0, ARRAY[(la + 1) * w]);
    FOR i IN 0..la LOOP
        d[i * w + 1] := i;
    END LOOP;
    FOR j IN 0..lb LOOP
        d[j + 1] := j;
    END LOOP;
    FOR i IN 1..la LOOP
        FOR j IN 1..lb LOOP
            cost := CASE WHEN substr(a, i, 1) = substr(b, j, 1) THEN 0 ELSE 1 END;
            d[i * w + j + 1] := least(d[(i - 1) * w + j + 1] + 1, d[i * w + j] + 1, d[(i - 1) * w + j] + cost);
            IF i > 1 AND j > 1 AND substr(a, i, 1) = substr(b, j - 1, 1) AND substr(a, i - 1, 1) = substr(b, j, 1) THEN
                d[i * w + j + 1] := least(d[i * w + j + 1], d[(i - 2) * w + j - 1] + 1);
            END IF;
        END LOOP;
    END LOOP;
    RETURN d[la * w + lb + 1];
END
$$""",
    # Levenshtein (C, fuzzystrmatch) decides most pairs; only a pair it puts between k and 2k
    # edits can still be within k by swaps of neighbours, which the slower table above counts.
    """
CREATE OR REPLACE FUNCTION public.textmatch_close(keyword text, term text, typos integer) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT keyword = term OR (
        typos > 0 AND abs(length(keyword) - length(term)) <= typos
        AND public.levenshtein_less_equal(keyword, term, 2 * typos) <= 2 * typos
        AND (public.levenshtein_less_equal(keyword, term, typos) <= typos
             OR public.textmatch_osa(keyword, term) <= typos))
$$""",
)

FINGERPRINT = hashlib.sha256("\n".join(FUNCTIONS).encode()).hexdigest()[:16]


def create_functions(op) -> None:
    """What a migration runs to (re)create the matcher's functions."""
    op.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch SCHEMA public")
    for statement in FUNCTIONS:
        op.execute(statement)


# The generated columns a table of distinct lowercased titles (``name``) carries.
TITLE_COLUMNS = (
    "ADD COLUMN words text[] GENERATED ALWAYS AS (public.textmatch_words(name)) STORED",
    "ADD COLUMN terms text[] GENERATED ALWAYS AS (public.textmatch_terms(name)) STORED",
    # the part before a comma or colon (the role, not its team): ranks first
    f"ADD COLUMN role_terms text[] GENERATED ALWAYS AS "
    f"(public.textmatch_terms(regexp_replace(name, '{tm.QUALIFIER}.*', ''))) STORED",
)


# -- selecting titles ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Titles:
    """A table of distinct titles with the generated columns, and its table of every term."""

    key: ColumnElement
    words: ColumnElement
    terms: ColumnElement
    role_terms: ColumnElement
    vocabulary: ColumnElement


def _array(values) -> ColumnElement:
    return array([literal(v, Text) for v in values], type_=ARRAY(Text))


def _candidates(term: tm.Term, vocabulary: ColumnElement) -> ColumnElement:
    """Every title term that matches a keyword term: itself, the synonyms its misspelling is
    close to, and the title terms within its edits."""
    exact = _array([term.text, *term.also])
    if not term.typos:
        return exact
    size = len(term.text)
    close = (select(func.array_agg(vocabulary))
             .where(func.length(vocabulary).between(size - term.typos, size + term.typos),
                    func.textmatch_close(term.text, vocabulary, term.typos))
             .scalar_subquery())
    return func.array_cat(exact, func.coalesce(close, _array([])))


def _all_match(column, query: tm.Keywords, candidates: list) -> ColumnElement:
    plain = [term.text for term in query.terms if not term.typos and not term.also]
    conditions = [column.contains(_array(plain))] if plain else []
    conditions += [column.overlap(found) for term, found in zip(query.terms, candidates)
                   if term.typos or term.also]
    # Keywords with no term ("¼", a lone letter) match nothing: and_() of nothing is no SQL at all.
    return and_(*conditions) if conditions else literal(False)


def title_match(titles: Titles, query: tm.Keywords):
    """SELECT of the matching titles' keys with ``score``: higher is better, in the order of
    ``textmatch.rank`` (role part first, then tier, then shorter titles)."""
    candidates = [_candidates(term, titles.vocabulary) for term in query.terms]
    sentence = func.concat(" ", func.array_to_string(titles.words, " "), " ")
    tier = case(
        (~titles.terms.contains(_array([term.text for term in query.terms])), 3),
        (func.strpos(sentence, f" {query.phrase} ") > 0, 0),
        (titles.words.contains(_array(query.literal)), 1),
        else_=2)
    in_role = case((_all_match(titles.role_terms, query, candidates), 0), else_=1)
    size = func.least(func.cardinality(titles.words), 9)
    score = (20 - 8 * in_role - 2 * tier - 0.1 * size).label("score")
    condition = _all_match(titles.terms, query, candidates) if not query.empty else literal(False)
    return select(titles.key.label("id"), score, tier.label("tier")).where(condition)
