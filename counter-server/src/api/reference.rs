//! Routes of the console's reference panel (policy section 5): the branch's documents, searched
//! by title and text, and one document to read in a frame beside the visit. Every staff role,
//! no device and not the public; not personal data, so not audited.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Permission;
use crate::commands::reference::{self as cmd, Found};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{Caller, parse_id};
use crate::http::views::ReferenceDocument;

/// The longest query (characters).
const MAX_QUERY: usize = 200;

/// A document in the list or found by a search.
#[derive(Serialize, ToSchema)]
#[schema(as = ReferenceDocumentSummary)]
pub struct DocumentDto {
    pub id: i64,
    pub title_ar: String,
    pub title_en: String,
    /// html or pdf.
    pub kind: &'static str,
    /// The document's language: ar or en.
    pub lang: String,
    /// A passage around the first word found, in the document's own spelling; none in the
    /// whole list.
    pub snippet: Option<String>,
    /// Where to read it (`GET /api/v1/reference/{id}`).
    pub url: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ReferenceDocuments)]
pub struct DocumentsDto {
    pub documents: Vec<DocumentDto>,
}

fn dto(f: Found) -> DocumentDto {
    DocumentDto {
        id: f.doc.id,
        url: format!("/api/v1/reference/{}", f.doc.id),
        title_ar: f.doc.title_ar,
        title_en: f.doc.title_en,
        kind: f.doc.kind.as_str(),
        lang: f.doc.lang,
        snippet: f.snippet,
    }
}

/// `GET /api/v1/reference?q=`: the branch's reference documents, or those a search finds.
#[utoipa::path(
    get,
    path = "/api/v1/reference",
    tag = "console",
    summary = "Staff: the branch's reference documents (policy section 5). With q, those whose \
               titles or text hold every word of it (titles first), each with a snippet; Arabic \
               is compared without tashkeel or tatweel, with one alef, ى as ي and ة as ه. A PDF's \
               text is searched when it could be extracted at import, else its titles.",
    params(("q" = Option<String>, Query, description = "Words to find (at most 200 characters)")),
    responses((status = 200, body = DocumentsDto))
)]
pub async fn search(
    State(s): State<AppState>,
    caller: Caller,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<DocumentsDto>, ApiError> {
    caller.staff(Permission::ReadReference)?;
    let Query(q) = q.map_err(|_| {
        ApiError::bad_request(
            "invalid_query",
            "معاملات غير صالحة",
            "The query string could not be read",
        )
    })?;
    let query = q.get("q").cloned().unwrap_or_default();
    if query.chars().count() > MAX_QUERY {
        return Err(ApiError::unprocessable(
            "query_too_long",
            "q",
            "نص البحث طويل",
            format!("The query q holds at most {MAX_QUERY} characters"),
        ));
    }
    let found = cmd::search(&s.reads, query).await?;
    Ok(Json(DocumentsDto {
        documents: found.into_iter().map(dto).collect(),
    }))
}

/// `GET /api/v1/reference/{id}`: one document, for the console's reading frame.
#[utoipa::path(
    get,
    path = "/api/v1/reference/{id}",
    tag = "console",
    summary = "Staff: one reference document as the console's frame shows it: an HTML page \
               (sanitised when the branch added it) or the PDF. Only this server's pages may \
               frame it (frame-ancestors 'self'); the browser may keep it 5 minutes (private). \
               404 unknown_document.",
    params(super::doc::IdPath),
    responses(
        (status = 200, content(
            (String = "text/html"),
            (Vec<u8> = "application/pdf"),
        )),
    )
)]
pub async fn document(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<ReferenceDocument, ApiError> {
    caller.staff(Permission::ReadReference)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    Ok(ReferenceDocument(cmd::content(&s.reads, id).await?))
}
