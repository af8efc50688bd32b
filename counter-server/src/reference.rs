//! The branch's reference documents (policy section 5), without I/O: what a file becomes when the
//! branch adds it (Markdown converted to HTML once, HTML sanitised, a PDF kept as it is, and the
//! plain text to search), the one search form of Arabic and English text (`search_form`, applied
//! to what is indexed and to every query), and a result's snippet in the document's own spelling.
//! The SQL is in `store::reference`; the console reads them through `commands::reference`.

/// What the console shows: an HTML page in a frame, or a PDF in the browser's viewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Html,
    Pdf,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Pdf => "pdf",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "html" => Some(Self::Html),
            "pdf" => Some(Self::Pdf),
            _ => None,
        }
    }
}

/// A document ready to store.
#[derive(Debug, PartialEq, Eq)]
pub struct Prepared {
    pub kind: Kind,
    /// Sanitised HTML (a fragment, drawn inside the server's page) or the PDF's bytes.
    pub content: Vec<u8>,
    /// The text as written, for snippets; for a PDF, the text `pdftotext` gave at import, or
    /// none (then it is found by its titles).
    pub plain_text: String,
}

/// The largest file a branch may add (a guide of a few hundred pages).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// Turns a file into a stored document, by its name's ending: `.md`/`.markdown`, `.html`/`.htm`,
/// `.pdf`. Markdown's raw HTML is dropped, and every HTML is sanitised (ammonia: no script, no
/// style, no event handler), since it is shown inside the console. A PDF's text, when the caller
/// could extract it (`pdf_text`), is kept for search; the pure-Rust extractors give Arabic in
/// visual order as presentation forms, words split, so it comes from poppler's `pdftotext`.
pub fn prepare(file_name: &str, bytes: &[u8], pdf_text: Option<&str>) -> Result<Prepared, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "{file_name}: larger than {} MiB",
            MAX_BYTES / 1024 / 1024
        ));
    }
    let ending = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let text = || {
        std::str::from_utf8(bytes)
            .map_err(|_| format!("{file_name}: not UTF-8 text"))
            .map(|t| t.trim_start_matches('\u{feff}'))
    };
    let html = match ending.as_str() {
        "md" | "markdown" => markdown_to_html(text()?),
        "html" | "htm" => text()?.to_string(),
        "pdf" => {
            if !bytes.starts_with(b"%PDF-") {
                return Err(format!("{file_name}: not a PDF file"));
            }
            return Ok(Prepared {
                kind: Kind::Pdf,
                content: bytes.to_vec(),
                plain_text: pdf_text.map(one_line).unwrap_or_default(),
            });
        }
        _ => {
            return Err(format!(
                "{file_name}: give a .md, .html or .pdf file (Markdown and HTML are converted once, here)"
            ));
        }
    };
    let clean = sanitise(&html);
    let plain_text = html_text(&clean);
    Ok(Prepared {
        kind: Kind::Html,
        content: clean.into_bytes(),
        plain_text,
    })
}

/// Markdown (CommonMark with tables) to HTML; raw HTML in the Markdown is left out.
fn markdown_to_html(md: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, html};
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
        .filter(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

/// HTML safe to show in the console: ammonia's allow-list (no script, style, form or handler),
/// plus `dir` and `lang` so mixed Arabic and English text keeps its direction.
fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["dir", "lang"])
        .clean(html)
        .to_string()
}

/// The text of sanitised HTML, each element apart from the next by a space.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let (mut in_tag, mut quote) = (false, None::<char>);
    for c in html.chars() {
        match (in_tag, quote, c) {
            (true, Some(q), c) if c == q => quote = None,
            (true, Some(_), _) => {}
            (true, None, '"' | '\'') => quote = Some(c),
            (true, None, '>') => {
                in_tag = false;
                out.push(' ');
            }
            (true, None, _) => {}
            (false, _, '<') => in_tag = true,
            (false, _, c) => out.push(c),
        }
    }
    one_line(
        &out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&nbsp;", " ")
            .replace("&amp;", "&"),
    )
}

/// Text on one line, without the direction marks an extractor adds (`pdftotext` wraps each
/// Arabic line in U+202B … U+202C), one space between words.
fn one_line(text: &str) -> String {
    let bidi_control = |c: char| matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let text: String = text.chars().filter(|c| !bidi_control(*c)).collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One character in the search form, or none: tashkeel (fathatan … sukun, the small high marks,
/// the superscript alef) and tatweel are dropped; أ إ آ ٱ are ا, ى is ي, ة is ه, the hamza seats
/// ؤ ئ are ء (so مسؤول and مسئول meet); Arabic-Indic digits are ASCII; Latin is lower case.
fn fold(c: char, out: &mut impl Extend<char>) {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}' => {}
        'أ' | 'إ' | 'آ' | 'ٱ' => out.extend(['ا']),
        'ى' => out.extend(['ي']),
        'ة' => out.extend(['ه']),
        'ؤ' | 'ئ' => out.extend(['ء']),
        '٠'..='٩' => out.extend([char::from(b'0' + (c as u32 - '٠' as u32) as u8)]),
        c => out.extend(c.to_lowercase()),
    }
}

/// The search form of `text`: the one normalisation of indexed text and queries.
pub fn search_form(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold(c, &mut out);
    }
    out
}

/// The words of a query, in the search form (at most 8; punctuation separates words).
pub fn query_terms(query: &str) -> Vec<String> {
    search_form(query)
        .split(|c: char| !c.is_alphanumeric() && c != 'ء')
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_string)
        .collect()
}

/// The text indexed for a document: its titles and its text, in the search form.
pub fn index_text(title_ar: &str, title_en: &str, plain_text: &str) -> String {
    search_form(&format!("{title_ar}\n{title_en}\n{plain_text}"))
}

/// Characters of a snippet before and after the first word found.
const BEFORE: usize = 60;
const AFTER: usize = 120;

/// A short passage of `text` around the first of `terms` it holds, in the text's own spelling
/// (tashkeel and all); the opening of the text when none is in it (the title matched).
pub fn snippet(text: &str, terms: &[String]) -> String {
    let original: Vec<char> = text.chars().collect();
    // The search form, with for each of its characters the original character it came from.
    let mut folded = Vec::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len());
    for (i, c) in original.iter().enumerate() {
        let mut one = String::new();
        fold(*c, &mut one);
        for f in one.chars() {
            folded.push(f);
            origin.push(i);
        }
    }
    let found = terms.iter().find_map(|t| {
        let t: Vec<char> = t.chars().collect();
        (!t.is_empty())
            .then(|| folded.windows(t.len()).position(|w| w == t.as_slice()))
            .flatten()
    });
    let at = found.map_or(0, |f| origin[f]);
    let mut start = at.saturating_sub(BEFORE);
    let mut end = (at + AFTER).min(original.len());
    // Whole words at both ends.
    while start > 0 && !original[start - 1].is_whitespace() && at - start < BEFORE + 20 {
        start -= 1;
    }
    while end < original.len() && !original[end].is_whitespace() && end - at < AFTER + 20 {
        end += 1;
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(original[start..end].iter());
    if end < original.len() {
        out.push('…');
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_form_drops_tashkeel_and_tatweel_and_unifies_letters() {
        assert_eq!(search_form("اللَّائِحَةُ"), search_form("اللائحة"));
        assert_eq!(search_form("الأساسيـــة"), "الاساسيه");
        assert_eq!(search_form("إحالة آمنة أمل"), "احاله امنه امل");
        assert_eq!(search_form("مستوى"), "مستوي");
        assert_eq!(search_form("مسؤول"), search_form("مسئول"));
        assert_eq!(search_form("٢٠٢٠ Bylaws"), "2020 bylaws");
    }

    #[test]
    fn query_terms_are_words_in_the_search_form() {
        assert_eq!(
            query_terms("  دَليل، «الدعم»! Policy"),
            ["دليل", "الدعم", "policy"]
        );
        assert!(query_terms(" ,.! ").is_empty());
    }

    #[test]
    fn markdown_becomes_sanitised_html_without_its_raw_html() {
        let md = "# اللائحة\n\nنص <script>alert(1)</script> و<b onclick=\"x()\">غامق</b>\n\n\
                  <iframe src=\"https://example.org\"></iframe>\n\n| أ | ب |\n|---|---|\n| ١ | ٢ |\n";
        let p = prepare("bylaws.md", md.as_bytes(), None).unwrap();
        assert_eq!(p.kind, Kind::Html);
        let html = String::from_utf8(p.content).unwrap();
        assert!(html.contains("<h1>اللائحة</h1>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        // The tags are left out; what stood between them is plain text.
        for bad in ["<script", "onclick", "<iframe", "<b"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("<p>نص alert(1) وغامق</p>"), "{html}");
        assert!(p.plain_text.starts_with("اللائحة نص"), "{}", p.plain_text);
    }

    #[test]
    fn html_is_sanitised_and_keeps_its_direction() {
        let html = "<h2 dir=\"rtl\" style=\"color:red\" onmouseover=\"x()\">دليل</h2>\
                    <script>steal()</script><p>A &amp; B</p><a href=\"javascript:x()\">l</a>";
        let p = prepare("guide.HTML", html.as_bytes(), None).unwrap();
        let out = String::from_utf8(p.content).unwrap();
        assert!(out.contains("<h2 dir=\"rtl\">دليل</h2>"), "{out}");
        for bad in ["style=", "onmouseover", "<script", "steal", "javascript:"] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert_eq!(p.plain_text, "دليل A & B l");
    }

    #[test]
    fn a_pdf_is_kept_as_it_is_and_other_files_are_refused() {
        let pdf = b"%PDF-1.4\n...";
        let p = prepare("form.pdf", pdf, None).unwrap();
        assert_eq!((p.kind, p.content.as_slice()), (Kind::Pdf, &pdf[..]));
        assert_eq!(p.plain_text, "");
        // pdftotext's text, without its embedding marks and page breaks.
        let text =
            "\u{202b}طلب دعم مستفيد\u{202c}\n\u{202b}لجنة البحث\u{202a}.\u{202c}\u{202c}\n\u{c}";
        let p = prepare("form.pdf", pdf, Some(text)).unwrap();
        assert_eq!(p.plain_text, "طلب دعم مستفيد لجنة البحث.");
        assert!(prepare("form.pdf", b"<html>", None).is_err());
        assert!(prepare("notes.docx", b"x", None).is_err());
        assert!(prepare("notes.md", &[0xff, 0xfe], None).is_err());
    }

    #[test]
    fn a_snippet_is_in_the_documents_own_spelling_around_the_word_found() {
        let text = format!(
            "{} يُحال المستفيد إلى مسؤول البحث الاجتماعي للإجابة على تساؤلاته {}",
            "تمهيد ".repeat(30),
            "خاتمة ".repeat(40)
        );
        let s = snippet(&text, &query_terms("مسئول"));
        assert!(s.contains("مسؤول البحث"), "{s}");
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.chars().count() < 230, "{s}");
        // No word of the query in the text (the title matched): its opening.
        assert!(snippet(&text, &query_terms("غير موجود")).starts_with("تمهيد"));
    }
}
