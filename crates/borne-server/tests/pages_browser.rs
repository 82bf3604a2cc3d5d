//! The web pages of the e-mails' links in a real browser: Debian's
//! `chromium`, headless, driven through `chromedriver` (W3C WebDriver), at a
//! phone's size (360×740, mobile emulation) and a desktop's (1280×800). The
//! link is read from the e-mail as a real SMTP server on loopback received
//! it; the member types a password the rules refuse (the live checklist
//! says so, the script being on), a confirmation that differs (the error
//! summary, linked to its field), then a good one; the success page; the
//! new password logs in through the API; the link opened again says it is
//! no longer valid. At each size: nothing wider than the screen, every
//! target at least 44 px high, the form and the « Ouvrir dans l'application
//! Borne Adhérent » link there. The same for an unlock link. (Without
//! JavaScript, the pages are what `pages.rs` drives over HTTP.)
//!
//! Needs `BORNE_TEST_CHROMEDRIVER` (the chromedriver binary, e.g.
//! `/usr/bin/chromedriver` from Debian's `chromium-driver`; scripts/test.sh
//! sets it, scripts/setup.sh --test installs the packages): without it the
//! test FAILS, saying so, as the PostgreSQL and keyring tests do. To leave it
//! out on purpose: `cargo test -- --skip pages_browser`.

#[macro_use]
mod common;
mod support_delivery;

use common::{Backend, TestServer, JEANNE, PAUL};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support_delivery::{free_port, Rcpt, SmtpServer};

on_each_backend! {
    a_member_sets_a_new_password_from_the_email_in_a_real_browser(flavor = "multi_thread", worker_threads = 2),
}

const DRIVER_VAR: &str = "BORNE_TEST_CHROMEDRIVER";

/// chromedriver on a free loopback port, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start() -> Driver {
        let path = match std::env::var(DRIVER_VAR) {
            Ok(p) if !p.trim().is_empty() => p,
            _ => panic!(
                "{DRIVER_VAR} is not set, so the browser test of the e-mail link's pages cannot run. Run scripts/test.sh \
                 (scripts/setup.sh --test installs Debian's chromium and chromium-driver), or set it to the chromedriver \
                 binary (/usr/bin/chromedriver), or leave this test out on purpose with `cargo test -- --skip pages_browser`."
            ),
        };
        let port = free_port();
        // Its own process group: dropped, the group goes, the browsers it
        // started included (a failed assertion leaves no Chromium behind).
        let child = Command::new(&path)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{DRIVER_VAR}={path}: cannot start chromedriver: {e}"));
        let driver = Driver { child, port };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return driver;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("chromedriver did not listen on {port}");
    }

    /// A headless Chromium at `size`: a phone (mobile emulation, touch) below
    /// 600 px wide, else a desktop window.
    async fn browser(&self, (width, height): (u32, u32)) -> Client {
        let args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--no-first-run".to_owned(),
            "--lang=fr-FR".to_owned(),
            // No OS keyring for a throwaway profile (scripts/test.sh runs a real one).
            "--password-store=basic".to_owned(),
            format!("--window-size={width},{height}"),
        ];
        let mut options = json!({ "args": args });
        if std::path::Path::new("/usr/bin/chromium").exists() {
            options["binary"] = json!("/usr/bin/chromium");
        }
        if width < 600 {
            options["mobileEmulation"] = json!({ "deviceMetrics": { "width": width, "height": height, "pixelRatio": 3.0, "touch": true } });
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a Chromium session through chromedriver")
    }
}

/// The page's link in the next e-mail the SMTP server receives.
async fn link_from_mail(smtp: &SmtpServer, to: &str) -> String {
    loop {
        let mail = smtp.next().await;
        if !mail.rcpt_to.iter().any(|r| r == to) {
            continue;
        }
        let text = mail.parsed().body_text(0).expect("a text body").to_string();
        if let Some(link) = text.split_whitespace().find(|w| w.contains("/compte/mot-de-passe?token=")) {
            return link.to_owned();
        }
    }
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Waits (10 s at most) until `script` answers true.
async fn until(c: &Client, script: &str, what: &str) {
    for _ in 0..200 {
        if js(c, script).await == Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let html = c.source().await.unwrap_or_default();
    let main = html.find("<main").map_or(html.as_str(), |i| &html[i..]);
    panic!("{what}: never true ({script})\n{main}");
}

/// Nothing wider than the viewport, every link, button and input at least
/// 44 px high (and wide), each visible one inside the page's width.
async fn fits(c: &Client, (width, _): (u32, u32), what: &str) {
    let report = js(
        c,
        "const w = document.documentElement.clientWidth;
         const bad = [];
         if (document.documentElement.scrollWidth > w) bad.push('page ' + document.documentElement.scrollWidth + ' > ' + w);
         for (const e of document.querySelectorAll('main a, main button, main input:not([type=hidden])')) {
           const r = e.getBoundingClientRect();
           if (r.height < 44 || r.width < 44) bad.push((e.id || e.textContent.trim()) + ' ' + r.width + 'x' + r.height);
           if (r.right > w + 0.5 || r.left < -0.5) bad.push((e.id || e.textContent.trim()) + ' outside ' + r.left + '..' + r.right);
         }
         return { width: window.innerWidth, bad: bad };",
    )
    .await;
    assert_eq!(report["width"].as_u64(), Some(u64::from(width)), "{what}: the viewport is {width} px wide");
    assert_eq!(report["bad"], json!([]), "{what}");
}

/// Types `text` into the field `css` as a member would (keystrokes, so the
/// script sees each one), after emptying it; checks what the field holds.
async fn type_in(c: &Client, css: &str, text: &str) {
    for _ in 0..3 {
        let field = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
        let arg = serde_json::to_value(&field).unwrap();
        if c.execute("return arguments[0].value", vec![arg]).await.unwrap() == json!(text) {
            return;
        }
    }
    panic!("{css} never held what was typed");
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
}

/// One member's way through the page of `link` at `size`: refused, then
/// accepted; returns the app's link the page offered.
async fn through_the_page(c: &Client, link: &str, size: (u32, u32), new: &str, what: &str) -> String {
    c.goto(link).await.unwrap();
    until(c, "return document.querySelector('form#formulaire') !== null", what).await;
    assert_eq!(js(c, "return document.documentElement.lang").await, json!("fr"));
    fits(c, size, &format!("{what}: the form")).await;
    let app = js(c, "return document.querySelector('[data-testid=open-app]').getAttribute('href')").await;
    let app = app.as_str().expect("« Ouvrir dans l'application Borne Adhérent »").to_owned();
    assert_eq!(
        js(c, "return document.querySelector('[data-testid=open-app]').textContent.trim()").await,
        json!("Ouvrir dans l'application Borne Adhérent")
    );
    // Nothing typed: no tick, no cross.
    assert_eq!(js(c, "return document.querySelectorAll('#rules-list li.met, #rules-list li.unmet').length").await, json!(0));

    type_in(c, "#new-password", "court").await;
    // The live checklist: borne-core's answer for what is typed.
    until(c, "return document.querySelector('li[data-rule=min_length]').classList.contains('unmet')", what).await;
    until(c, "return document.querySelector('li[data-rule=lowercase]').classList.contains('met')", what).await;
    assert_eq!(js(c, "return document.getElementById('rules-live').hidden").await, json!(false));
    type_in(c, "#new-password", new).await;
    type_in(c, "#confirmation", &format!("{new}x")).await;
    until(c, "return document.querySelectorAll('#rules-list li.unmet').length === 0 && document.querySelectorAll('#rules-list li.met').length > 0", what).await;
    until(c, "return document.getElementById('match').classList.contains('no')", what).await;
    click(c, "[data-testid=submit]").await;
    until(c, "return document.querySelector('[data-testid=error-summary]') !== null", what).await;
    let summary = js(c, "const a = document.querySelector('[data-testid=error-summary] a'); return [a.getAttribute('href'), a.textContent]").await;
    assert_eq!(summary[0], json!("#confirmation"), "{what}: the summary leads to the field");
    assert!(summary[1].as_str().unwrap().contains("identiques"), "{what}: {summary}");
    assert_eq!(js(c, "return document.activeElement.id").await, json!("erreurs"), "{what}: the summary has the focus");
    assert_eq!(js(c, "return document.getElementById('confirmation').getAttribute('aria-invalid')").await, json!("true"));
    fits(c, size, &format!("{what}: the form with its error")).await;
    // Following the summary's link puts the focus on the field.
    click(c, "[data-testid=error-summary] a").await;
    until(c, "return document.activeElement.id === 'confirmation'", what).await;

    type_in(c, "#new-password", new).await;
    type_in(c, "#confirmation", new).await;
    // The live checklist settles first (its line moves the button down).
    until(c, "return document.getElementById('match').classList.contains('yes')", what).await;
    click(c, "[data-testid=submit]").await;
    until(c, "return document.querySelector('[data-testid=done]') !== null", what).await;
    let done = js(c, "return document.querySelector('main').innerText").await;
    assert!(done.as_str().unwrap().contains("Votre nouveau mot de passe est désormais actif"), "{what}: {done}");
    fits(c, size, &format!("{what}: the success page")).await;
    app
}

async fn a_member_sets_a_new_password_from_the_email_in_a_real_browser(backend: Backend) {
    let driver = Driver::start();
    let smtp = SmtpServer::start(Rcpt::Accept).await;
    let s = TestServer::start_with(&backend, common::relay_config(smtp.addr.port())).await;

    // Without JavaScript the pages are what tests/pages.rs drives over HTTP.
    let rounds = [((360, 740), "Colibri-Vert-42"), ((1280, 800), "Mesange-Bleue-17")];
    for (size, new) in rounds {
        let what = format!("{}x{}", size.0, size.1);
        s.forgot_jeanne().await;
        let link = link_from_mail(&smtp, JEANNE.email).await;
        assert!(link.starts_with(&format!("{}/compte/mot-de-passe?token=", s.base)), "{link}");
        let c = driver.browser(size).await;
        let app = through_the_page(&c, &link, size, new, &what).await;
        let token = link.split("token=").nth(1).unwrap();
        assert_eq!(app, format!("borne://reset?token={token}"), "{what}: the app's link carries the same token");
        assert_eq!(s.login(JEANNE.nir, new).await.status, StatusCode::OK, "{what}: the new password logs in through the API");

        // The link again: no longer valid, with the next step.
        c.goto(&link).await.unwrap();
        until(&c, "return document.querySelector('[data-testid=notice]') !== null", &what).await;
        let text = js(&c, "return document.querySelector('main').innerText").await;
        assert!(text.as_str().unwrap().contains("Demandez un nouveau lien"), "{what}: {text}");
        assert_eq!(js(&c, "return document.querySelectorAll('form').length").await, json!(0));
        fits(&c, size, &format!("{what}: the dead link's page")).await;
        c.close().await.unwrap();
    }

    // An unlock by e-mail (MGEN guide, step 4, 2nd case), on a phone.
    for _ in 0..3 {
        s.login(PAUL.nir, "Mauvais1Passe").await;
    }
    assert_eq!(s.login(PAUL.nir, PAUL.password).await.code(), "account_blocked");
    let started: Value = s.http.post(s.url("/v1/unlock")).json(&json!({ "nir": PAUL.nir, "birthdate": "02/11/1965" })).send().await.unwrap().json().await.unwrap();
    let sent = s.http.post(s.url("/v1/unlock/send")).json(&json!({ "unlock_id": started["unlock_id"], "channel": "email" })).send().await.unwrap();
    assert_eq!(sent.status(), StatusCode::OK);
    let link = link_from_mail(&smtp, PAUL.email).await;
    let c = driver.browser((360, 740)).await;
    let app = through_the_page(&c, &link, (360, 740), "Grive-Musicienne-5", "unlock 360x740").await;
    assert!(app.ends_with("&procedure=unlock"), "{app}");
    let done = js(&c, "return document.querySelector('main').innerText").await;
    assert!(done.as_str().unwrap().contains("Votre compte est débloqué"), "{done}");
    c.close().await.unwrap();
    assert_eq!(s.login(PAUL.nir, "Grive-Musicienne-5").await.status, StatusCode::OK, "unblocked");
    drop(driver);
}
