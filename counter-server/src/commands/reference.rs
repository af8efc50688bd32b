//! The console's reference panel (policy section 5): searching the branch's documents and reading
//! one. Reads only, on the read pool; not personal data, so not audited.

use crate::commands::{CommandError, Refusal};
use crate::reference::{query_terms, search_form, snippet};
use crate::store::reads::ReadPool;
use crate::store::reference::{self as rows, ReferenceContent, ReferenceRow};

/// Results a search answers at most.
pub const MAX_RESULTS: usize = 30;

/// A document found, with a passage around the first word found (none for the whole list).
pub struct Found {
    pub doc: ReferenceRow,
    pub snippet: Option<String>,
}

/// The documents holding every word of `query` (in the search form: a query with hamza or
/// tashkeel finds the text without), those whose titles hold them first; every document, by
/// title, for a blank query.
pub async fn search(reads: &ReadPool, query: String) -> Result<Vec<Found>, CommandError> {
    let terms = query_terms(&query);
    if terms.is_empty() {
        let all = reads.run(rows::list).await?;
        return Ok(all
            .into_iter()
            .map(|doc| Found { doc, snippet: None })
            .collect());
    }
    let found = {
        let terms = terms.clone();
        reads
            .run(move |conn| rows::search(conn, &terms, MAX_RESULTS))
            .await?
    };
    let mut found: Vec<Found> = found
        .into_iter()
        .map(|(doc, text)| Found {
            snippet: Some(snippet(&text, &terms)).filter(|s| !s.is_empty()),
            doc,
        })
        .collect();
    let in_title = |d: &ReferenceRow| {
        let titles = search_form(&format!("{} {}", d.title_ar, d.title_en));
        terms.iter().all(|t| titles.contains(t.as_str()))
    };
    found.sort_by_key(|f| !in_title(&f.doc));
    Ok(found)
}

/// One document's content (`UnknownReferenceDocument` when there is none with this id).
pub async fn content(reads: &ReadPool, id: i64) -> Result<ReferenceContent, CommandError> {
    reads
        .run(move |conn| rows::content(conn, id))
        .await?
        .ok_or_else(|| Refusal::UnknownReferenceDocument.into())
}
