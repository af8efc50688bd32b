//! SQL of the branch's reference documents (policy section 5): adding and removing them, the
//! list, the search over their search form (`crate::reference::search_form`), one document's
//! content. No personal data.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Context, StoreError, time_str};
use crate::reference::{Kind, Prepared};

/// A document as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceRow {
    pub id: i64,
    pub title_ar: String,
    pub title_en: String,
    pub kind: Kind,
    /// The document's language: `ar` or `en`.
    pub lang: String,
    pub bytes: i64,
    pub added_at: String,
}

/// What is served for one document.
pub struct ReferenceContent {
    pub title_ar: String,
    pub title_en: String,
    pub kind: Kind,
    pub lang: String,
    pub content: Vec<u8>,
}

/// The list's columns, of `reference_documents d`.
const COLUMNS: &str = "d.id, d.title_ar, d.title_en, d.kind, d.lang, length(d.content), d.added_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReferenceRow> {
    Ok(ReferenceRow {
        id: r.get(0)?,
        title_ar: r.get(1)?,
        title_en: r.get(2)?,
        kind: Kind::parse(&r.get::<_, String>(3)?).unwrap_or(Kind::Html),
        lang: r.get(4)?,
        bytes: r.get(5)?,
        added_at: r.get(6)?,
    })
}

/// Stores a document and its search form (`index_text`); its new id.
pub fn add(
    tx: &Transaction<'_>,
    titles: (&str, &str),
    lang: &str,
    doc: &Prepared,
    index_text: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO reference_documents (title_ar, title_en, kind, lang, content, plain_text, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            titles.0,
            titles.1,
            doc.kind.as_str(),
            lang,
            doc.content,
            doc.plain_text,
            time_str(now)
        ],
    )
    .ctx("add reference document")?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO reference_search (rowid, text) VALUES (?1, ?2)",
        params![id, index_text],
    )
    .ctx("index reference document")?;
    Ok(id)
}

/// Removes a document and its search form; the number removed (0 or 1).
pub fn remove(tx: &Transaction<'_>, id: i64) -> Result<usize, StoreError> {
    tx.execute("DELETE FROM reference_search WHERE rowid = ?1", [id])
        .ctx("unindex reference document")?;
    tx.execute("DELETE FROM reference_documents WHERE id = ?1", [id])
        .ctx("remove reference document")
}

/// Every document, in the order they were added.
pub fn list(conn: &Connection) -> Result<Vec<ReferenceRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM reference_documents d ORDER BY d.id"
        ))
        .ctx("prepare reference list")?;
    let rows = stmt.query_map([], row).ctx("reference list")?;
    rows.collect::<Result<_, _>>().ctx("reference row")
}

/// The documents whose titles or text hold every term (each already in the search form), with
/// their plain text for the snippet; at most `limit`, in the order they were added.
pub fn search(
    conn: &Connection,
    terms: &[String],
    limit: usize,
) -> Result<Vec<(ReferenceRow, String)>, StoreError> {
    // The terms hold letters and digits only (`reference::query_terms`): no LIKE wildcard.
    let filter = (1..=terms.len())
        .map(|i| format!("s.text LIKE ?{i}"))
        .collect::<Vec<_>>()
        .join(" AND ");
    let sql = format!(
        "SELECT {COLUMNS}, d.plain_text FROM reference_search s JOIN reference_documents d ON d.id = s.rowid
         WHERE {filter} ORDER BY d.id LIMIT {limit}"
    );
    let patterns: Vec<String> = terms.iter().map(|t| format!("%{t}%")).collect();
    let mut stmt = conn.prepare(&sql).ctx("prepare reference search")?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(patterns.iter()), |r| {
            Ok((row(r)?, r.get(7)?))
        })
        .ctx("reference search")?;
    rows.collect::<Result<_, _>>().ctx("reference search row")
}

pub fn content(conn: &Connection, id: i64) -> Result<Option<ReferenceContent>, StoreError> {
    conn.prepare_cached(
        "SELECT title_ar, title_en, kind, lang, content FROM reference_documents WHERE id = ?1",
    )
    .ctx("prepare reference content")?
    .query_row([id], |r| {
        Ok(ReferenceContent {
            title_ar: r.get(0)?,
            title_en: r.get(1)?,
            kind: Kind::parse(&r.get::<_, String>(2)?).unwrap_or(Kind::Html),
            lang: r.get(3)?,
            content: r.get(4)?,
        })
    })
    .optional()
    .ctx("reference content")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::{index_text, prepare, query_terms};
    use crate::store::{Database, migrate, open};

    fn add_md(conn: &mut Connection, titles: (&str, &str), md: &str) -> i64 {
        let doc = prepare("doc.md", md.as_bytes(), None).unwrap();
        let tx = conn.transaction().unwrap();
        let id = add(
            &tx,
            titles,
            "ar",
            &doc,
            &index_text(titles.0, titles.1, &doc.plain_text),
            Utc::now(),
        )
        .unwrap();
        tx.commit().unwrap();
        id
    }

    fn found(conn: &Connection, query: &str) -> Vec<i64> {
        search(conn, &query_terms(query), 30)
            .unwrap()
            .into_iter()
            .map(|(d, _)| d.id)
            .collect()
    }

    /// What a query with hamza, tashkeel or tatweel finds in text written without them, and the
    /// other way round; a word inside a longer one; every word needed; removal unindexes.
    #[test]
    fn search_finds_arabic_text_whatever_its_tashkeel_and_hamza() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&Database::plain(dir.path().join("t.db")), false).unwrap();
        migrate(&mut conn).unwrap();
        let bylaws = add_md(
            &mut conn,
            ("اللائحة الأساسية", "Bylaws"),
            "# اللائحه الاساسيه\n\nتحال الطلبات الى لجنة البحث خلال مدة لا تقل عن اسبوعين.",
        );
        let guide = add_md(
            &mut conn,
            ("دليل خدمات البحث الاجتماعي", "Social-research guide"),
            "يُحالُ المستفيدُ إلى مسؤولِ البحثِ الاجتماعيّ، ويُبلَّغ بقرار اللجنة.",
        );
        // Tashkeel and hamza in the query, none in the text (and ة written as ه there).
        assert_eq!(found(&conn, "أُسْبُوعَيْن"), [bylaws]);
        assert_eq!(found(&conn, "لَجْنَة البَحْث"), [bylaws, guide]);
        // Tashkeel in the text, none in the query; the other spelling of the hamza's seat.
        assert_eq!(found(&conn, "مسئول البحث"), [guide]);
        assert_eq!(found(&conn, "الاجتمـــاعي"), [guide]);
        // A word inside another (اللائحة holds لائحة), the English title, every word needed.
        assert_eq!(found(&conn, "لائحة"), [bylaws]);
        assert_eq!(found(&conn, "GUIDE"), [guide]);
        assert!(found(&conn, "أسبوعين المستفيد").is_empty());
        let (_, text) = search(&conn, &query_terms("مسئول"), 30).unwrap().remove(0);
        assert!(
            text.contains("مسؤولِ"),
            "the text as written, for the snippet"
        );

        let tx = conn.transaction().unwrap();
        assert_eq!(remove(&tx, bylaws).unwrap(), 1);
        tx.commit().unwrap();
        assert!(found(&conn, "أسبوعين").is_empty());
        assert_eq!(list(&conn).unwrap().len(), 1);
        assert!(content(&conn, bylaws).unwrap().is_none());
        let c = content(&conn, guide).unwrap().unwrap();
        assert_eq!(c.kind, Kind::Html);
        assert!(String::from_utf8(c.content).unwrap().starts_with("<p>"));
    }
}
