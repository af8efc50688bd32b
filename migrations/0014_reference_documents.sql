-- 0013: the branch's reference documents for the staff console (policy section 5: the bylaws, the
-- social-research services guide, the support policy guide, the support request form), stored
-- when the branch is set up (`counter-server add-reference`). No personal data.
-- `content` is what the console shows: sanitised HTML (Markdown converted at import) or the PDF.
-- `plain_text` is the document's text as written, for the snippets of search results (for a PDF,
-- what pdftotext gave at import, or empty: then it is found by its titles). `reference_search` holds, per document (rowid = id), its titles and
-- text in the search form (`reference::search_form`: no tashkeel or tatweel, one alef, ى→ي, ة→ه);
-- trigram tokens find a word inside another (اللائحة from لائحة), queries use LIKE.

CREATE TABLE reference_documents (
    id          INTEGER PRIMARY KEY,
    title_ar    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('html', 'pdf')),
    lang        TEXT NOT NULL CHECK (lang IN ('ar', 'en')),
    content     BLOB NOT NULL,
    plain_text  TEXT NOT NULL,
    added_at    TEXT NOT NULL
) STRICT;

CREATE VIRTUAL TABLE reference_search USING fts5(text, tokenize = 'trigram');
