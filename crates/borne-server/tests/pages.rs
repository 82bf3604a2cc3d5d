//! The web pages where the e-mails' links lead (`/compte/mot-de-passe`), over
//! HTTP as a browser without JavaScript uses them: the link read from the
//! outbox, the form, each outcome (success, rules broken, confirmation
//! different, used, expired and unknown links), the security headers, the
//! anti-CSRF refusals, and the log-in with the new password through the API.
//! The same in a real browser: `pages_browser.rs`; the logs: `pages_logs.rs`.

#[macro_use]
mod common;

use common::{Backend, TestServer, JEANNE, PAUL};
use reqwest::StatusCode;
use serde_json::{json, Value};

on_each_backend! {
    a_reset_link_opens_the_form_which_sets_the_password,
    an_unlock_link_unblocks_the_account_and_offers_the_unlock_in_the_app,
    a_registration_link_sets_the_first_password,
    used_expired_and_unknown_links_get_the_same_page_with_the_next_step,
    a_post_without_the_pages_cookie_or_from_another_site_changes_nothing,
    the_live_checklist_follows_borne_core_with_the_members_information,
    every_page_and_asset_sends_the_security_headers,
    an_mgen_server_speaks_of_the_espace_personnel_in_its_colours,
    a_throttled_page_is_a_page_with_the_apps_message,
}

const NEW: &str = "Colibri-Vert-42";

/// The newest message to `to` in the demo outbox (waiting for the send).
async fn message_to(s: &TestServer, to: &str) -> String {
    for _ in 0..250 {
        let entries: Vec<Value> = s.http.get(s.url("/dev/outbox")).send().await.unwrap().json().await.unwrap();
        if let Some(e) = entries.iter().rev().find(|e| e["to"] == to && e["text"].as_str().is_some_and(|t| t.contains("token="))) {
            return e["text"].as_str().unwrap().to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no link to {to} in the outbox");
}

/// The page's link in an e-mail: `http://<server>/compte/mot-de-passe?token=…`.
fn link_in(text: &str, s: &TestServer) -> String {
    let start = text.find(&format!("{}/compte/mot-de-passe?token=", s.base)).unwrap_or_else(|| panic!("no page link in:\n{text}"));
    text[start..].split(char::is_whitespace).next().unwrap().to_owned()
}

/// A page as the browser got it.
struct Page {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    html: String,
}

impl Page {
    async fn read(resp: reqwest::Response) -> Page {
        Page { status: resp.status(), headers: resp.headers().clone(), html: resp.text().await.unwrap() }
    }

    /// The value of the hidden input `name`.
    fn hidden(&self, name: &str) -> String {
        let at = self.html.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no field {name} in:\n{}", self.html));
        let rest = &self.html[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    /// The `name=value` of the anti-CSRF cookie set.
    fn cookie(&self) -> String {
        let set = self.headers.get("set-cookie").expect("a Set-Cookie").to_str().unwrap();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"), "{set}");
        set.split(';').next().unwrap().to_owned()
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap_or_else(|| panic!("no {name}")).to_str().unwrap()
    }
}

async fn get(s: &TestServer, url: &str) -> Page {
    Page::read(s.http.get(url).send().await.unwrap()).await
}

/// Posts the form as a browser would, with `cookie` and extra headers.
async fn post_form(s: &TestServer, fields: &[(&str, &str)], cookie: Option<&str>, headers: &[(&str, &str)]) -> Page {
    let mut req = s.http.post(s.url("/compte/mot-de-passe")).form(fields);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    Page::read(req.send().await.unwrap()).await
}

/// The form of `page`, submitted with these passwords.
async fn submit(s: &TestServer, page: &Page, cookie: &str, new: &str, confirmation: &str) -> Page {
    let (token, csrf) = (page.hidden("token"), page.hidden("csrf"));
    let fields = [("token", token.as_str()), ("csrf", csrf.as_str()), ("new_password", new), ("new_password_confirmation", confirmation)];
    post_form(s, &fields, Some(cookie), &[("sec-fetch-site", "same-origin")]).await
}

fn message(e: borne_core::BorneError) -> String {
    borne_content::errors::message(&e, borne_core::Lang::Fr, &borne_core::support::Support::default())
}

/// Text as it appears in the HTML (askama escapes the apostrophe).
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;").replace('\'', "&#39;").replace('"', "&#34;")
}

async fn a_reset_link_opens_the_form_which_sets_the_password(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    s.forgot_jeanne().await;
    let mail = message_to(&s, JEANNE.email).await;
    assert!(!mail.contains("borne://"), "the e-mail's link is the page, which offers the app's link:\n{mail}");
    let link = link_in(&mail, &s);
    let token = link.split("token=").nth(1).unwrap().to_owned();

    let page = get(&s, &link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("<html lang=\"fr\">") && page.html.contains("Choisissez votre nouveau mot de passe"), "{}", page.html);
    assert!(page.html.contains("Espace adhérent") && !page.html.contains("Espace personnel"), "the MPN profile's space");
    assert!(page.html.contains(&format!("href=\"borne://reset?token={token}\"")), "the app's link, same token:\n{}", page.html);
    assert!(page.html.contains(&escaped("Ouvrir dans l'application Borne Adhérent")));
    assert!(page.html.contains("<label for=\"new-password\">") && page.html.contains("<label for=\"confirmation\">"));
    assert!(!page.html.contains("<script>") && !page.html.contains("style=\""), "no inline script or style");
    let cookie = page.cookie();

    // The rules first (borne-core's order: empty, policy, confirmation).
    let empty = submit(&s, &page, &cookie, "", "").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.html.contains("data-testid=\"error-summary\"") && empty.html.contains("href=\"#new-password\""), "{}", empty.html);
    assert!(empty.html.contains(&escaped(&message(borne_core::BorneError::PasswordMissing))));
    let weak = submit(&s, &page, &cookie, "court", "court").await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let broken = borne_core::password::broken_rules("court");
    assert!(weak.html.contains(&escaped(&message(borne_core::BorneError::PasswordPolicy { broken }))), "{}", weak.html);
    assert!(weak.html.contains("aria-invalid=\"true\"") && weak.html.contains("class=\"unmet\""), "the checklist shows what failed");
    assert!(!weak.html.contains("value=\"court\""), "a password is never written back into the page");
    let named = submit(&s, &page, &cookie, "Jeanne-Martin-42", "Jeanne-Martin-42").await;
    assert_eq!(named.status, StatusCode::UNPROCESSABLE_ENTITY, "the member's own name is refused, as by the API");
    let differ = submit(&s, &page, &cookie, NEW, "Colibri-Vert-43").await;
    assert_eq!(differ.status, StatusCode::BAD_REQUEST);
    assert!(differ.html.contains("href=\"#confirmation\"") && differ.html.contains(&escaped(&message(borne_core::BorneError::PasswordsDiffer))));
    assert_eq!(s.login(JEANNE.nir, JEANNE.password).await.status, StatusCode::OK, "nothing changed yet");

    let done = submit(&s, &page, &cookie, NEW, NEW).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(done.html.contains("Votre nouveau mot de passe est désormais actif") && done.html.contains("data-testid=\"done\""), "{}", done.html);
    assert!(done.html.contains("vous connecter à votre Espace adhérent"), "{}", done.html);
    assert_eq!(s.login(JEANNE.nir, NEW).await.status, StatusCode::OK, "the new password logs in through the API");
    assert_eq!(s.login(JEANNE.nir, JEANNE.password).await.status, StatusCode::UNAUTHORIZED);

    // The link serves once.
    assert_eq!(get(&s, &link).await.status, StatusCode::GONE);
    assert_eq!(submit(&s, &page, &cookie, "Autre-Colibri-7", "Autre-Colibri-7").await.status, StatusCode::GONE);
    assert_eq!(s.login(JEANNE.nir, NEW).await.status, StatusCode::OK);
}

async fn an_unlock_link_unblocks_the_account_and_offers_the_unlock_in_the_app(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    for _ in 0..3 {
        s.login(PAUL.nir, "Mauvais1Passe").await;
    }
    assert_eq!(s.login(PAUL.nir, PAUL.password).await.code(), "account_blocked");
    let started = s.http.post(s.url("/v1/unlock")).json(&json!({ "nir": PAUL.nir, "birthdate": "02/11/1965" })).send().await.unwrap();
    let unlock_id = started.json::<Value>().await.unwrap()["unlock_id"].as_str().unwrap().to_owned();
    let sent = s.http.post(s.url("/v1/unlock/send")).json(&json!({ "unlock_id": unlock_id, "channel": "email" })).send().await.unwrap();
    assert_eq!(sent.status(), StatusCode::OK);
    let link = link_in(&message_to(&s, PAUL.email).await, &s);
    let token = link.split("token=").nth(1).unwrap().to_owned();

    let page = get(&s, &link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Débloquez votre compte"), "{}", page.html);
    assert!(page.html.contains(&format!("href=\"borne://reset?token={token}&#38;procedure=unlock\"")), "{}", page.html);
    let done = submit(&s, &page, &page.cookie(), NEW, NEW).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(done.html.contains("Votre compte est débloqué"), "{}", done.html);
    assert_eq!(s.login(PAUL.nir, NEW).await.status, StatusCode::OK, "unblocked, the new password logs in");
}

async fn a_registration_link_sets_the_first_password(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    let (nir, email) = ("291077505612367", "lucie.bernard@exemple.fr");
    let form = json!({ "nir": nir, "member_number": "MPN-000789", "birthdate": "12/07/1991", "email": email });
    assert_eq!(s.http.post(s.url("/v1/register")).json(&form).send().await.unwrap().status(), StatusCode::ACCEPTED);
    let mail = message_to(&s, email).await;
    let link = link_in(&mail, &s);
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let page = get(&s, &link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Créez votre mot de passe"), "{}", page.html);
    assert!(page.html.contains(&format!("href=\"borne://reset?token={token}&#38;procedure=registration\"")), "{}", page.html);
    let done = submit(&s, &page, &page.cookie(), NEW, NEW).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(done.html.contains("Votre Espace adhérent est créé"), "{}", done.html);
    assert_eq!(s.login(nir, NEW).await.status, StatusCode::OK, "registered, the password logs in");
}

async fn used_expired_and_unknown_links_get_the_same_page_with_the_next_step(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    s.forgot_jeanne().await;
    let link = link_in(&message_to(&s, JEANNE.email).await, &s);
    let page = get(&s, &link).await;
    assert_eq!(page.status, StatusCode::OK);
    s.exec("UPDATE one_time_proofs SET expires_at = 0").await;

    let expired = get(&s, &link).await;
    let unknown = get(&s, &s.url("/compte/mot-de-passe?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).await;
    let malformed = get(&s, &s.url("/compte/mot-de-passe?token=%3Cscript%3E")).await;
    let bare = get(&s, &s.url("/compte/mot-de-passe")).await;
    for p in [&expired, &unknown, &malformed, &bare] {
        assert_eq!(p.status, StatusCode::GONE);
        assert!(p.html.contains(&escaped("Ce lien n'est plus valable")) && p.html.contains("Demandez un nouveau lien"), "{}", p.html);
        assert!(p.html.contains("role=\"alert\"") && p.html.contains("03 88 19 22 56"));
        assert!(!p.html.contains("<form"), "no form for a dead link");
        assert_eq!(p.html, expired.html, "the same page whatever the link: nothing says whether an account exists");
    }
    let late = submit(&s, &page, &page.cookie(), NEW, NEW).await;
    assert_eq!(late.status, StatusCode::GONE);
    assert_eq!(late.html, expired.html);
    assert_eq!(s.login(JEANNE.nir, JEANNE.password).await.status, StatusCode::OK, "nothing changed");
}

async fn a_post_without_the_pages_cookie_or_from_another_site_changes_nothing(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    s.forgot_jeanne().await;
    let link = link_in(&message_to(&s, JEANNE.email).await, &s);
    let page = get(&s, &link).await;
    let (token, csrf, cookie) = (page.hidden("token"), page.hidden("csrf"), page.cookie());
    assert_eq!(cookie.split_once('=').unwrap().1, csrf, "double submit: the field is the cookie's value");
    let fields = |csrf: &str| {
        vec![("token", token.clone()), ("csrf", csrf.to_owned()), ("new_password", NEW.to_owned()), ("new_password_confirmation", NEW.to_owned())]
    };
    let as_pairs = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let post = |fields: Vec<(&'static str, String)>, cookie: Option<String>, site: Option<&'static str>| {
        let s = &s;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let headers: Vec<(&str, &str)> = site.map(|v| vec![("sec-fetch-site", v)]).unwrap_or_default();
            post_form(s, &pairs, cookie.as_deref(), &headers).await
        }
    };
    let other_cookie = "borne-formulaire=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB".to_owned();
    let refusals = [
        ("no cookie", post(as_pairs(&fields(&csrf)), None, None).await),
        ("another cookie", post(as_pairs(&fields(&csrf)), Some(other_cookie.clone()), None).await),
        ("the attacker's own pair, no field", post(as_pairs(&fields("")), Some(cookie.clone()), None).await),
        ("cross-site", post(as_pairs(&fields(&csrf)), Some(cookie.clone()), Some("cross-site")).await),
        ("same-site sibling", post(as_pairs(&fields(&csrf)), Some(cookie.clone()), Some("same-site")).await),
    ];
    for (what, p) in &refusals {
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{what}: {}", p.html);
        assert!(p.html.contains(&escaped("Le formulaire n'a pas pu être vérifié")) && p.html.contains(&escaped("Votre mot de passe n'a pas été modifié")), "{what}");
    }
    assert_eq!(s.login(JEANNE.nir, JEANNE.password).await.status, StatusCode::OK, "nothing changed");
    // The link still works from the page itself (no Sec-Fetch-Site: an older browser).
    let ok = post(as_pairs(&fields(&csrf)), Some(cookie.clone()), None).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.html);
    assert_eq!(s.login(JEANNE.nir, NEW).await.status, StatusCode::OK);
    // A JSON body (not the form) is refused as unreadable.
    let json = s.http.post(s.url("/compte/mot-de-passe")).json(&json!({ "token": token })).send().await.unwrap();
    assert_eq!(json.status(), StatusCode::BAD_REQUEST);
}

async fn the_live_checklist_follows_borne_core_with_the_members_information(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    s.forgot_jeanne().await;
    let link = link_in(&message_to(&s, JEANNE.email).await, &s);
    let page = get(&s, &link).await;
    let (token, csrf, cookie) = (page.hidden("token"), page.hidden("csrf"), page.cookie());
    // Nothing typed yet: no tick and no cross.
    assert!(!page.html.contains("class=\"met\"") && !page.html.contains("class=\"unmet\""), "{}", page.html);
    let rules = |password: &'static str, confirmation: &'static str, cookie: Option<String>| {
        let (s, token, csrf) = (&s, token.clone(), csrf.clone());
        async move {
            let mut req = s.http.post(s.url("/compte/regles")).form(&[("token", token.as_str()), ("csrf", csrf.as_str()), ("password", password), ("confirmation", confirmation)]);
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            let resp = req.send().await.unwrap();
            (resp.status(), resp.headers().get("cache-control").map(|v| v.to_str().unwrap().to_owned()), resp.text().await.unwrap())
        }
    };
    let (status, cache, body) = rules("Martin-Colibri-1", "Martin", Some(cookie.clone())).await;
    assert_eq!((status, cache.as_deref()), (StatusCode::OK, Some("no-store")));
    let answer: Value = serde_json::from_str(&body).unwrap();
    let expected = borne_core::password::check_with(
        "Martin-Colibri-1",
        &borne_core::password::PersonalInfo { first_name: "Jeanne".into(), last_name: "Martin".into(), ..Default::default() },
    );
    let got: Vec<(String, bool)> = answer["rules"].as_array().unwrap().iter().map(|r| (r["label"].as_str().unwrap().to_owned(), r["met"].as_bool().unwrap())).collect();
    let want: Vec<(String, bool)> = expected.into_iter().map(|r| (r.label, r.met)).collect();
    assert_eq!(got, want, "borne-core's checklist, with the member's own information");
    assert_eq!((answer["confirmation_matches"].as_bool(), answer["acceptable"].as_bool()), (Some(false), Some(false)));
    let (_, _, body) = rules("Colibri-Vert-42", "Colibri-Vert-42", Some(cookie.clone())).await;
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((answer["confirmation_matches"].as_bool(), answer["acceptable"].as_bool()), (Some(true), Some(true)));
    assert_eq!(rules("Colibri-Vert-42", "", None).await.0, StatusCode::FORBIDDEN, "the same anti-CSRF check");
    assert_eq!(s.login(JEANNE.nir, JEANNE.password).await.status, StatusCode::OK, "the checklist changes nothing");
}

async fn every_page_and_asset_sends_the_security_headers(backend: Backend) {
    let s = TestServer::with_outbox(&backend).await;
    s.forgot_jeanne().await;
    let link = link_in(&message_to(&s, JEANNE.email).await, &s);
    let form = get(&s, &link).await;
    let expired = get(&s, &s.url("/compte/mot-de-passe?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).await;
    let css = get(&s, &s.url("/compte/style.css")).await;
    assert!(form.html.contains("href=\"style.css\"") && form.html.contains("src=\"checklist.js\"") && form.html.contains("action=\"mot-de-passe\""));
    let js = get(&s, &s.url("/compte/checklist.js")).await;
    let refused = post_form(&s, &[("token", "x")], None, &[]).await;
    for (what, p) in [("form", &form), ("expired", &expired), ("css", &css), ("js", &js), ("refused", &refused)] {
        let csp = p.header("content-security-policy");
        for directive in ["default-src 'none'", "style-src 'self'", "script-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"] {
            assert!(csp.contains(directive), "{what}: {csp}");
        }
        assert!(!csp.contains("unsafe") && !csp.contains("http"), "{what}: nothing inline, nothing third-party: {csp}");
        assert_eq!(p.header("referrer-policy"), "no-referrer", "{what}");
        assert_eq!(p.header("cache-control"), "no-store", "{what}");
        assert_eq!(p.header("x-content-type-options"), "nosniff", "{what}");
    }
    assert!(css.header("content-type").starts_with("text/css") && css.html.contains("--primary: #0054a6"), "MPN's colours");
    assert!(js.header("content-type").starts_with("text/javascript") && js.html.contains("fetch(\"regles\""));
    // Every resource the pages load is the server's own.
    for html in [&form.html, &expired.html] {
        for attr in ["src=\"", "href=\""] {
            for (i, _) in html.match_indices(attr) {
                let url = &html[i + attr.len()..];
                let url = &url[..url.find('"').unwrap()];
                // Relative to /compte/ (a path prefix of public_url keeps working), a fragment, or the app.
                assert!(!url.contains("//") || url.starts_with("borne://"), "{url}");
                assert!(!url.starts_with('/'), "relative, for a public_url with a path: {url}");
            }
        }
    }
}

async fn an_mgen_server_speaks_of_the_espace_personnel_in_its_colours(backend: Backend) {
    let mut config = common::local_config();
    config.delivery.outbox = true;
    config.profile = "mgen".into();
    config.support = borne_content::profile("mgen").unwrap().support;
    let s = TestServer::start_with(&backend, config).await;
    s.forgot_jeanne().await;
    let link = link_in(&message_to(&s, JEANNE.email).await, &s);
    let page = get(&s, &link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("MGEN") && page.html.contains("Espace personnel") && !page.html.contains("Espace adhérent"), "{}", page.html);
    let css = get(&s, &s.url("/compte/style.css")).await;
    assert!(css.html.contains("--primary: #00667a"), "MGEN's colours");
    let done = submit(&s, &page, &page.cookie(), NEW, NEW).await;
    assert!(done.html.contains("votre Espace personnel") && done.html.contains("36 76"), "{}", done.html);
}

async fn a_throttled_page_is_a_page_with_the_apps_message(backend: Backend) {
    let mut config = common::local_config();
    config.throttle.exempt_loopback = false;
    config.throttle.per_address_sensitive = borne_server::throttle::Budget { per_minute: 1, burst: 1 };
    let s = TestServer::start_with(&backend, config).await;
    let url = s.url("/compte/mot-de-passe?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(get(&s, &url).await.status, StatusCode::GONE);
    let throttled = get(&s, &url).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.header("content-type").starts_with("text/html"), "a page, not JSON");
    assert!(throttled.headers.contains_key("retry-after"));
    assert!(throttled.html.contains("<html lang=\"fr\">") && throttled.html.contains("Trop de tentatives"), "{}", throttled.html);
    assert_eq!(throttled.header("referrer-policy"), "no-referrer");
    assert!(throttled.header("content-security-policy").contains("default-src 'none'"));
    // The API keeps its JSON answer.
    let api = s.http.post(s.url("/v1/login")).json(&json!({ "identifier": JEANNE.nir, "password": "x" })).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(api.json::<Value>().await.unwrap()["code"], "too_many_requests");
}
