//! The reference panel's API (issue 14 item 6, policy section 5) on a real server: documents
//! added through the real binary's `add-reference` (Markdown, HTML and an Arabic PDF, whose text
//! needs `pdftotext`, Debian poppler-utils), searched with the Arabic search form, read with
//! their content type and the framing only this server's pages get.

use std::process::Command;

use counter_server::domain::{Gender, Role};
use e2e::{Api, TestServer};
use reqwest::StatusCode;

const BIN: &str = env!("CARGO_BIN_EXE_test-counter-server");

fn add_reference(db: &std::path::Path, file: &std::path::Path, ar: &str, en: &str) -> String {
    let out = Command::new(BIN)
        .arg("add-reference")
        .arg("--db")
        .arg(db)
        .arg(file)
        .args(["--title-ar", ar, "--title-en", en])
        .env_remove("CREDENTIALS_DIRECTORY")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn documents_added_by_the_cli_are_found_in_arabic_and_served_to_the_consoles_frame() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let dir = tempfile::tempdir().unwrap();
    let bylaws = dir.path().join("bylaws.md");
    std::fs::write(
        &bylaws,
        "# اللائحة الأساسية\n\nتُرفع الطلبات إلى لجنة البحث، ويرد عليها خلال مدة لا تقل عن أسبوعين.\n\n<script>alert(1)</script>",
    )
    .unwrap();
    let guide = dir.path().join("guide.html");
    std::fs::write(
        &guide,
        "<h1 onclick=\"x()\">دليل</h1><p>يحال المستفيد الى مسؤول البحث الاجتماعي</p>",
    )
    .unwrap();
    // An Arabic PDF (printed by Chromium): its text comes from pdftotext at import.
    let form = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/support-request-form.ar.pdf");
    // Beside the running server (WAL and a busy timeout), as a branch adds them.
    assert!(
        add_reference(&server.db_path, &bylaws, "اللائحة الأساسية للجمعية", "Bylaws")
            .contains("added")
    );
    add_reference(
        &server.db_path,
        &guide,
        "دليل خدمات البحث الاجتماعي",
        "Services guide",
    );
    add_reference(
        &server.db_path,
        &form,
        "طلب دعم مستفيد",
        "Support request form",
    );

    let api = Api::new(&server.base_url);
    let token = api.login("amal").await;
    let all = api.get("/api/v1/reference", Some(&token)).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(all.json["documents"].as_array().unwrap().len(), 3);

    let titles = |r: &e2e::Reply| -> Vec<String> {
        r.json["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["title_en"].as_str().unwrap().to_string())
            .collect()
    };
    let search = |q: &str| {
        let q = q.to_string();
        let (api, token) = (api.clone(), token.clone());
        async move {
            let url = format!(
                "/api/v1/reference?q={}",
                q.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
            );
            api.get(&url, Some(&token)).await
        }
    };
    // Tashkeel and hamza in the query; ة/ه and hamza seats differ between text and query.
    let r = search("أُسْبُوعَيْن").await;
    assert_eq!(titles(&r), ["Bylaws", "Support request form"], "{}", r.text);
    let snippet = r.json["documents"][0]["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("أسبوعين"),
        "in the text's own spelling: {snippet}"
    );
    assert_eq!(
        titles(&search("مسئول البحث").await),
        ["Services guide", "Support request form"]
    );
    // Titles first: all hold البحث, the one whose title holds it comes first.
    assert_eq!(
        titles(&search("البحث").await),
        ["Services guide", "Bylaws", "Support request form"]
    );
    // A PDF by its titles, and by its text in reading order (pdftotext, Debian poppler-utils).
    let r = search("طلب دعم").await;
    assert_eq!(titles(&r), ["Support request form"]);
    assert_eq!(r.json["documents"][0]["kind"], "pdf");
    let r = search("مسئولية مباشرة").await;
    assert_eq!(titles(&r), ["Support request form"], "{}", r.text);
    let snippet = r.json["documents"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("مسؤولية مباشرة عن صحتها"), "{snippet}");
    assert!(
        search("غير موجود").await.json["documents"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let long = search(&"ا".repeat(201)).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Reading: the sanitised page, which only this server's pages may frame, kept briefly.
    let id = all.json["documents"][0]["id"].as_i64().unwrap();
    let url = format!("{}/api/v1/reference/{id}", server.base_url);
    let res = api.http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert_eq!(h["x-frame-options"], "SAMEORIGIN");
    assert_eq!(h["cache-control"], "private, max-age=300");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.ends_with("frame-ancestors 'self'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let page = res.text().await.unwrap();
    assert!(page.contains(r#"<html lang="ar" dir="rtl">"#), "{page}");
    assert!(page.contains("<h1>اللائحة الأساسية</h1>"), "{page}");
    assert!(!page.contains("<script"), "{page}");

    let pdf_id = all.json["documents"][2]["id"].as_i64().unwrap();
    let res = api
        .http
        .get(format!("{}/api/v1/reference/{pdf_id}", server.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.bytes().await.unwrap(), std::fs::read(&form).unwrap());

    // Every other reply still refuses every frame; the console may frame this server only.
    let res = api
        .http
        .get(format!("{}/console", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-src 'self'") && csp.ends_with("frame-ancestors 'none'"),
        "{csp}"
    );
    let missing = api.get("/api/v1/reference/999", Some(&token)).await;
    assert_eq!(
        (missing.status, missing.code()),
        (StatusCode::NOT_FOUND, "unknown_document")
    );

    // Removed with the CLI: gone from the list and from the search.
    let out = Command::new(BIN)
        .args(["remove-reference", "--db"])
        .arg(&server.db_path)
        .args(["--id", &id.to_string()])
        .env_remove("CREDENTIALS_DIRECTORY")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(titles(&search("أسبوعين").await), ["Support request form"]);
    let listed = Command::new(BIN)
        .args(["list-references", "--db"])
        .arg(&server.db_path)
        .env_remove("CREDENTIALS_DIRECTORY")
        .output()
        .unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(
        !listed.contains("Bylaws") && listed.contains("Services guide"),
        "{listed}"
    );
}
