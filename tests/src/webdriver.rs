//! A small W3C WebDriver client over `reqwest` (no TLS, no extra crates), driving Debian's
//! `chromium` through `chromedriver` for the browser tests. Only what the tests use: navigate,
//! find, click, type, run a script, wait for a condition, screenshots, windows.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where Debian puts the browser and its driver (`apt-get install chromium chromium-driver`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Whether the browser tests can run here. Missing tools fail the test under `CI`, and skip it
/// with a loud message elsewhere.
pub fn available(test: &str) -> bool {
    let ok = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !ok {
        let msg = format!(
            "{test}: chromium or chromedriver is missing (apt-get install -y chromium chromium-driver)"
        );
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("\n*** SKIPPED {msg} ***\n");
    }
    ok
}

/// Where `npm ci` in `tests/browser-tools` puts axe-core.
fn axe_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser-tools/node_modules/axe-core/axe.min.js")
}

/// One chromedriver with one headless Chromium session.
pub struct Browser {
    http: reqwest::Client,
    url: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            // Its own process group, so that Drop can end the driver and every browser process.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("http client");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = http.get(format!("{base}/status")).send().await
                && r.status().is_success()
            {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().expect("profile directory");
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--autoplay-policy=no-user-gesture-required".into(),
            "--lang=ar".into(),
            format!("--user-data-dir={}", profile.path().display()),
            "--window-size=1280,900".into(),
        ];
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args }
        } } });
        let r: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("session reply");
        let id = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {r}"));
        Self {
            http,
            url: format!("{base}/session/{id}"),
            driver,
            _profile: profile,
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.url));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r: Value = req
            .send()
            .await
            .expect("webdriver answers")
            .json()
            .await
            .expect("webdriver JSON");
        r["value"].clone()
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let v = self.call(reqwest::Method::POST, path, Some(body)).await;
        if let Some(err) = v.get("error") {
            panic!("webdriver {path}: {err} {}", v["message"]);
        }
        v
    }

    /// Runs one Chrome DevTools Protocol command in this session (chromedriver's
    /// `goog/cdp/execute`) and returns its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.post("/goog/cdp/execute", json!({ "cmd": cmd, "params": params }))
            .await
    }

    /// The fonts Chromium actually drew the text of the first element matching `css` with (CDP
    /// `CSS.getPlatformFontsForNode`): `(family, is a web font, glyphs drawn)` for each.
    pub async fn fonts_drawing(&self, css: &str) -> Vec<(String, bool, u64)> {
        self.cdp("DOM.enable", json!({})).await;
        self.cdp("CSS.enable", json!({})).await;
        let root = self.cdp("DOM.getDocument", json!({ "depth": 0 })).await;
        let node = self
            .cdp(
                "DOM.querySelector",
                json!({ "nodeId": root["root"]["nodeId"], "selector": css }),
            )
            .await;
        let fonts = self
            .cdp(
                "CSS.getPlatformFontsForNode",
                json!({ "nodeId": node["nodeId"] }),
            )
            .await;
        fonts["fonts"]
            .as_array()
            .unwrap_or_else(|| panic!("no fonts for {css}: {fonts}"))
            .iter()
            .map(|f| {
                (
                    f["familyName"].as_str().unwrap_or("").to_string(),
                    f["isCustomFont"].as_bool().unwrap_or(false),
                    f["glyphCount"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    }

    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    pub async fn size(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await;
    }

    /// Runs `script` (a function body; `arguments` are `args`) and returns its value.
    pub async fn js(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Runs axe-core (the independent accessibility checker, installed by `.ci/run` into
    /// `tests/browser-tools/node_modules`) on the page as it is now, and panics listing every
    /// violation. `what` names the page state in the message.
    pub async fn assert_accessible(&self, what: &str) {
        let axe = std::fs::read_to_string(axe_path())
            .unwrap_or_else(|e| panic!("axe-core missing ({e}): cd tests/browser-tools && npm ci"));
        self.js(&axe, json!([])).await;
        let result = self
            .post(
                "/execute/async",
                json!({
                    "script": "const done = arguments[arguments.length - 1];\
                        axe.run(document).then(r => done(r.violations.map(v => ({\
                            id: v.id, impact: v.impact, help: v.help,\
                            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))),\
                            e => done([{ id: 'axe-error', help: String(e) }]));",
                    "args": [],
                }),
            )
            .await;
        let violations = result.as_array().cloned().unwrap_or_default();
        assert!(
            violations.is_empty(),
            "axe-core found {} violation(s) on {what}:\n{}",
            violations.len(),
            serde_json::to_string_pretty(&violations).unwrap_or_default()
        );
    }

    async fn element(&self, css: &str) -> String {
        let v = self
            .post("/element", json!({ "using": "css selector", "value": css }))
            .await;
        v[ELEMENT].as_str().expect("element id").to_string()
    }

    /// Finds `css` and runs `actions` on it, finding it again when the page re-rendered it in
    /// between (live updates replace elements: "stale element reference").
    async fn on_element(&self, css: &str, actions: &[(&str, Value)]) {
        for attempt in 0.. {
            let id = self.element(css).await;
            let mut stale = false;
            for (action, body) in actions {
                let v = self
                    .call(
                        reqwest::Method::POST,
                        &format!("/element/{id}/{action}"),
                        Some(body.clone()),
                    )
                    .await;
                match v.get("error").and_then(Value::as_str) {
                    None => {}
                    Some("stale element reference") if attempt < 10 => {
                        stale = true;
                        break;
                    }
                    Some(err) => panic!("webdriver {action} on {css}: {err} {}", v["message"]),
                }
            }
            if !stale {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn click(&self, css: &str) {
        self.on_element(css, &[("click", json!({}))]).await;
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.on_element(
            css,
            &[("clear", json!({})), ("value", json!({ "text": text }))],
        )
        .await;
    }

    /// Sends keys to `css` as a person types them, without clearing it first (WebDriver key
    /// codes: `\u{E00C}` is Escape, `\u{E007}` Enter).
    pub async fn send_keys(&self, css: &str, keys: &str) {
        self.on_element(css, &[("value", json!({ "text": keys }))])
            .await;
    }

    /// The visible text of the first element matching `css` ("" when there is none).
    pub async fn text(&self, css: &str) -> String {
        self.js(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
            json!([css]),
        )
        .await
        .as_str()
        .unwrap_or("")
        .to_string()
    }

    pub async fn source(&self) -> String {
        self.js("return document.documentElement.outerHTML;", json!([]))
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Waits until the expression `condition` (JavaScript) is true; panics with `what` if not.
    pub async fn wait(&self, condition: &str, what: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let script = format!("try {{ return !!({condition}); }} catch (e) {{ return false; }}");
        loop {
            if self.js(&script, json!([])).await == json!(true) {
                return;
            }
            if Instant::now() > deadline {
                let body = self.text("body").await;
                panic!("timed out waiting for {what} ({condition}); page text:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element `css` shows `needle` in its text.
    pub async fn wait_text(&self, css: &str, needle: &str) {
        let cond = format!(
            "(document.querySelector({css:?}) || {{innerText: ''}}).innerText.includes({needle:?})"
        );
        self.wait(
            &cond,
            &format!("{needle:?} in {css}"),
            Duration::from_secs(10),
        )
        .await;
    }

    /// Draws one stroke on the element `css` with a finger (W3C pointer actions, `touch`): down
    /// at the first point, through the others, up at the last; points are offsets in CSS pixels
    /// from the element's centre.
    pub async fn draw(&self, css: &str, points: &[(i64, i64)]) {
        let id = self.element(css).await;
        let origin = json!({ ELEMENT: id });
        let mut steps = Vec::new();
        for (i, (x, y)) in points.iter().enumerate() {
            steps.push(
                json!({ "type": "pointerMove", "origin": origin, "x": x, "y": y, "duration": 20 }),
            );
            if i == 0 {
                steps.push(json!({ "type": "pointerDown", "button": 0 }));
            }
        }
        steps.push(json!({ "type": "pointerUp", "button": 0 }));
        let actions = json!({ "actions": [{
            "type": "pointer", "id": "finger", "parameters": { "pointerType": "touch" },
            "actions": steps
        }] });
        self.post("/actions", actions).await;
        self.call(reqwest::Method::DELETE, "/actions", None).await;
    }

    /// The page printed to PDF by Chromium (W3C `print`, A4, backgrounds on).
    pub async fn print_pdf(&self) -> Vec<u8> {
        let v = self
            .post(
                "/print",
                json!({ "page": { "width": 21.0, "height": 29.7 }, "background": true }),
            )
            .await;
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().expect("base64 PDF"))
            .expect("PDF decodes")
    }

    /// Saves a PNG screenshot when `dir` is given (the tests take them when `SCREENSHOT_DIR` is set).
    pub async fn screenshot(&self, dir: Option<&Path>, name: &str) {
        let Some(dir) = dir else { return };
        let v = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().expect("base64 screenshot"))
            .expect("screenshot decodes");
        std::fs::create_dir_all(dir).expect("screenshot directory");
        std::fs::write(dir.join(name), png).expect("write screenshot");
    }

    /// The value of cookie `name` as the browser holds it (`HttpOnly` ones too).
    pub async fn cookie(&self, name: &str) -> Option<String> {
        let v = self
            .call(reqwest::Method::GET, &format!("/cookie/{name}"), None)
            .await;
        v["value"].as_str().map(str::to_string)
    }

    /// Opens a new tab and returns its handle.
    pub async fn new_window(&self) -> String {
        let v = self.post("/window/new", json!({ "type": "tab" })).await;
        v["handle"].as_str().expect("handle").to_string()
    }

    /// Every open window's handle.
    pub async fn windows(&self) -> Vec<String> {
        let v = self
            .call(reqwest::Method::GET, "/window/handles", None)
            .await;
        v.as_array()
            .expect("handles")
            .iter()
            .map(|h| h.as_str().expect("handle").to_string())
            .collect()
    }

    pub async fn current_window(&self) -> String {
        self.call(reqwest::Method::GET, "/window", None)
            .await
            .as_str()
            .expect("handle")
            .to_string()
    }

    pub async fn switch_to(&self, handle: &str) {
        self.post("/window", json!({ "handle": handle })).await;
    }
}

impl Browser {
    /// Ends the session (and so Chromium).
    pub async fn quit(&self) {
        let _ = self.call(reqwest::Method::DELETE, "", None).await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The driver and any browser process left over (a test that panicked before `quit`).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
