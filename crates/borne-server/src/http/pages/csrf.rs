//! Anti-CSRF of the pages' forms: a double-submit cookie.
//!
//! The page sets a random 256-bit value in a cookie (`SameSite=Strict`,
//! `HttpOnly`, path `/`; `__Host-` prefixed and `Secure` when the public
//! address is https) and in the form's hidden `csrf` field; a post is
//! accepted only when both are present and equal (constant-time). Another
//! site can make a browser post to the page, but its post carries no
//! `SameSite=Strict` cookie and it cannot read or set ours, so it is refused
//! before anything is looked up. Browsers that send `Sec-Fetch-Site` are
//! also refused unless it is `same-origin`. The `Origin` header is no help
//! here: under `Referrer-Policy: no-referrer` a browser sends `Origin: null`
//! for the page's own posts.
//!
//! The link's token already authorises the change (whoever has it may set
//! the password); the cookie stops another site from driving a member's
//! browser through the form with a token of its choosing.

use crate::state::AppState;
use axum::http::{header, HeaderMap, HeaderValue};
use borne_core::Secret;

fn name(state: &AppState) -> &'static str {
    if https(state) {
        "__Host-borne-formulaire"
    } else {
        "borne-formulaire"
    }
}

fn https(state: &AppState) -> bool {
    state.config.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
}

/// The request's anti-CSRF cookie, if it holds a value we could have set.
fn cookie(state: &AppState, headers: &HeaderMap) -> Option<Secret> {
    let name = name(state);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && v.len() == 43 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .map(|(_, v)| Secret::new(v))
}

/// The value for the page's hidden field and, when the browser has none
/// yet, the `Set-Cookie` that gives it (a second tab keeps the first's).
pub(super) fn issue(state: &AppState, headers: &HeaderMap) -> (Secret, Option<HeaderValue>) {
    if let Some(existing) = cookie(state, headers) {
        return (existing, None);
    }
    let value = crate::proofs::random_token();
    let secure = if https(state) { "; Secure" } else { "" };
    let set = format!("{}={}; Path=/; HttpOnly; SameSite=Strict{secure}", name(state), value.expose());
    (value, HeaderValue::from_str(&set).ok())
}

/// True when the post comes from the page: same-origin by Fetch Metadata
/// (when the browser sends it) and the cookie equal to the field.
pub(super) fn accepts(state: &AppState, headers: &HeaderMap, field: &Secret) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        if site.as_bytes() != b"same-origin" {
            return false;
        }
    }
    match cookie(state, headers) {
        Some(c) => !field.is_empty() && crate::hashing::same(c.expose().as_bytes(), field.expose().as_bytes()),
        None => false,
    }
}
