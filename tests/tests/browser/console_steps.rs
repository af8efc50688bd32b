//! Steps every console test takes: logging in through the form, waiting for a control to be
//! enabled, and axe-core in both languages.

use std::time::Duration;

use e2e::TEST_PASSWORD;
use e2e::webdriver::Browser;

pub const SECS: Duration = Duration::from_secs(10);

/// Logs in through the console's form and waits for the staff member's name.
pub async fn login(b: &Browser, user: &str) {
    b.wait(
        "!document.getElementById('login').classList.contains('hidden')",
        "the login form",
        SECS,
    )
    .await;
    b.type_into("#login-user", user).await;
    b.type_into("#login-pass", TEST_PASSWORD).await;
    b.click("#login-btn").await;
    b.wait_text("#who", user).await;
}

/// Both languages: axe-core on the page as it is, in Arabic and in English.
pub async fn accessible(b: &Browser, what: &str) {
    b.assert_accessible(&format!("{what} (ar)")).await;
    b.click("#lang-btn").await;
    b.wait("document.documentElement.lang === 'en'", "English", SECS)
        .await;
    b.assert_accessible(&format!("{what} (en)")).await;
    b.click("#lang-btn").await;
    b.wait("document.documentElement.lang === 'ar'", "Arabic", SECS)
        .await;
}

pub async fn click_when_enabled(b: &Browser, id: &str) {
    b.wait(
        &format!("!document.getElementById({id:?}).disabled"),
        &format!("#{id} enabled"),
        SECS,
    )
    .await;
    b.click(&format!("#{id}")).await;
}
