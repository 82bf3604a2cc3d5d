//! The web pages where the e-mails' links lead: a member who reads the
//! e-mail on a phone or in webmail sets the new password there (MPN guide
//! steps 8-10; MGEN unlock step 5), with the rules and messages of the app,
//! or opens the app's `borne://` link instead. Small server-rendered pages
//! (askama templates in `templates/pages/`, HTML auto-escaped), French or
//! English as the server's messages, the insurer's profile and colours,
//! working without JavaScript; a same-origin script adds the live checklist.
//!
//! - `GET /compte/mot-de-passe?token=…`: the form, or the "link no longer
//!   valid" page (unknown, used and expired links alike: nothing says whether
//!   an account exists).
//! - `POST /compte/mot-de-passe`: the form, handed to the API's own procedure
//!   ([`crate::flows::reset::reset`]: same rules, same order, same outcomes).
//! - `POST /compte/regles`: the live checklist (borne-core's rules, with the
//!   link's member's own information, as in the app), for the script.
//! - `GET /compte/style.css`, `GET /compte/checklist.js`.
//!
//! Security (docs/security.md, "The web pages"): the token is in the query
//! of the link only (no log line of this server holds a path or a query;
//! `tests/pages.rs` checks it at TRACE), then in the form's body; every page
//! sends `Referrer-Policy: no-referrer`, a strict CSP without inline script
//! or style, `Cache-Control: no-store`, no third-party resource. Anti-CSRF:
//! a double-submit cookie (`SameSite=Strict`, `HttpOnly`, `__Host-` and
//! `Secure` on https) that must equal the form's hidden field, and a
//! `Sec-Fetch-Site` other than `same-origin` is refused.

mod assets;
mod csrf;
mod disown;

pub(crate) use disown::link as disown_link;

use crate::error::Failure;
use crate::flows;
use crate::http::error::status_of;
use crate::proofs::PROOF_TTL_SECS;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use borne_api::Purpose;
use borne_content::pages::PageTexts;
use borne_core::password::{check_new_password, check_with_in, PersonalInfo};
use borne_core::{BorneError, Secret};
use serde::{Deserialize, Serialize};

/// The page an e-mail's link opens.
pub(crate) const PAGE_PATH: &str = "/compte/mot-de-passe";

/// What the pages allow: their own stylesheet, script and fetches, forms
/// posted to themselves only, never in a frame.
pub(crate) const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// True for the pages' paths (their refusals are pages too).
pub(crate) fn is_page(path: &str) -> bool {
    path.starts_with("/compte/")
}

#[derive(Template)]
#[template(path = "pages/too_many.html")]
struct TooMany<'a> {
    insurer: &'a str,
    message: String,
}

/// The per-address budget spent on a page: borne-content's message (the one
/// the app shows), as a page with the pages' headers and `Retry-After`.
pub(crate) fn too_many_requests(support: &borne_core::support::Support, retry_after_secs: u64) -> Response {
    let error = BorneError::TooManyRequests { retry_after_secs };
    let page = TooMany { insurer: &support.insurer, message: borne_content::errors::message(&error, borne_core::Lang::Fr, support) };
    let mut response = html(StatusCode::TOO_MANY_REQUESTS, page.render());
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// The link of an e-mail: the page, the token in its query.
pub(crate) fn link(public_url: &str, token: &Secret) -> String {
    link_to(PAGE_PATH, public_url, token)
}

/// The link to the page at `path` of the public site, the token in its query.
fn link_to(path: &str, public_url: &str, token: &Secret) -> String {
    format!("{}{path}?token={}", public_url.trim_end_matches('/'), token.expose())
}

/// A token as the server makes them (base64url, 43 characters); anything
/// else is answered as an unknown link without a look-up.
fn well_formed(token: &str) -> bool {
    (16..=256).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The headers of every page and asset.
pub(crate) fn secure(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    response
}

/// What every page shows around its content.
struct Frame<'a> {
    t: &'a PageTexts,
    insurer: &'a str,
    title: &'a str,
}

/// One line of the checklist as the page shows it.
struct RuleLine {
    rule: String,
    label: String,
    /// `None`: nothing typed yet (no tick, no cross).
    met: Option<bool>,
}

#[derive(Template)]
#[template(path = "pages/form.html")]
struct FormPage<'a> {
    f: Frame<'a>,
    lead: &'a str,
    token: &'a str,
    csrf: &'a str,
    app_link: String,
    rules: Vec<RuleLine>,
    /// The message of the error summary.
    error: Option<String>,
    /// The id of the field it belongs to (`""` without an error).
    error_field: &'static str,
}

#[derive(Template)]
#[template(path = "pages/message.html")]
struct MessagePage<'a> {
    f: Frame<'a>,
    /// The paragraphs, in order.
    paragraphs: Vec<&'a str>,
    /// Done pages are a success (`role=status`), others an alert.
    success: bool,
}

fn texts(state: &AppState) -> Result<PageTexts, Failure> {
    let support = &state.config.support;
    Ok(borne_content::pages::pages(&state.config.profile, state.config.language, support, (PROOF_TTL_SECS / 60) as u64)
        .map_err(anyhow::Error::from)?)
}

fn html(status: StatusCode, body: Result<String, askama::Error>) -> Response {
    match body {
        Ok(body) => secure((status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "page not rendered");
            secure((StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "Erreur interne.").into_response())
        }
    }
}

/// The "link no longer valid" page: used, expired, unknown or malformed
/// links alike, with the next step (ask for a new link).
fn expired(state: &AppState, t: &PageTexts) -> Response {
    let f = Frame { t, insurer: &state.config.support.insurer, title: &t.expired_title };
    let page = MessagePage { paragraphs: vec![&t.expired_text, &t.expired_next, &t.expired_help], success: false, f };
    html(StatusCode::GONE, page.render())
}

/// The anti-CSRF refusal: the form must be posted again from the page.
fn refused(state: &AppState, t: &PageTexts) -> Response {
    let f = Frame { t, insurer: &state.config.support.insurer, title: &t.refused_title };
    let page = MessagePage { paragraphs: vec![&t.refused_text], success: false, f };
    html(StatusCode::FORBIDDEN, page.render())
}

/// An internal failure, logged; the member reads the `unexpected` message.
fn unexpected(state: &AppState, t: &PageTexts, failure: Option<Failure>) -> Response {
    if let Some(Failure::Internal(e)) = failure {
        tracing::error!(error = %format!("{e:#}"), "internal error");
    }
    let message = borne_content::errors::message(&BorneError::Unexpected, state.config.language, &state.config.support);
    let f = Frame { t, insurer: &state.config.support.insurer, title: &t.refused_title };
    let page = MessagePage { paragraphs: vec![&message], success: false, f };
    html(StatusCode::INTERNAL_SERVER_ERROR, page.render())
}

fn title_and_lead(t: &PageTexts, purpose: Purpose) -> (&str, &str) {
    match purpose {
        Purpose::Reset => (&t.title_reset, &t.lead_reset),
        Purpose::Unlock => (&t.title_unlock, &t.lead_unlock),
        Purpose::Registration => (&t.title_registration, &t.lead_registration),
    }
}

/// The app's link for the same token and procedure (what the app's
/// deep-link handling reads: `&procedure=unlock` for an unlock).
fn app_link(state: &AppState, token: &str, purpose: Purpose) -> String {
    let marker = match purpose {
        Purpose::Unlock => "&procedure=unlock",
        Purpose::Registration => "&procedure=registration",
        Purpose::Reset => "",
    };
    format!("{}{token}{marker}", state.config.reset_link_base)
}

/// The checklist lines for `password` (nothing typed: no state shown).
fn rule_lines(state: &AppState, password: &str, info: &PersonalInfo) -> Vec<RuleLine> {
    check_with_in(password, info, state.config.language)
        .into_iter()
        .map(|c| RuleLine {
            rule: serde_json::to_value(c.rule).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            label: c.label,
            met: (!password.is_empty()).then_some(c.met),
        })
        .collect()
}

struct FormState<'a> {
    purpose: Purpose,
    info: &'a PersonalInfo,
    token: &'a str,
    csrf: &'a str,
}

fn form_page(state: &AppState, t: &PageTexts, s: FormState<'_>, typed: &str, error: Option<BorneError>, status: StatusCode) -> Response {
    let (title, lead) = title_and_lead(t, s.purpose);
    let error_field = match &error {
        None => "",
        Some(BorneError::PasswordsDiffer) => "confirmation",
        Some(_) => "new-password",
    };
    let error = error.map(|e| borne_content::errors::message(&e, state.config.language, &state.config.support));
    let page = FormPage {
        f: Frame { t, insurer: &state.config.support.insurer, title },
        lead,
        token: s.token,
        csrf: s.csrf,
        app_link: app_link(state, s.token, s.purpose),
        rules: rule_lines(state, typed, s.info),
        error,
        error_field,
    };
    html(status, page.render())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LinkQuery {
    /// Le jeton du lien de l'e-mail (usage unique, 30 minutes).
    #[serde(default)]
    token: Option<String>,
}

errors!(PageErrors {});

#[utoipa::path(
    get,
    path = "/compte/mot-de-passe",
    operation_id = "passwordPage",
    tag = "Pages",
    summary = "Page du lien de l'e-mail",
    description = "Où mène le lien des e-mails « Réinitialisation de mot de passe » et « Déblocage de votre compte » : une page HTML (français ou anglais comme les e-mails, couleurs et « Espace » de l'assureur) qui permet de choisir le nouveau mot de passe, sans JavaScript, et propose « Ouvrir dans l'application Borne Adhérent » (`borne://reset?token=…`). Un lien inconnu, déjà utilisé ou expiré répond 410 avec la même page « Ce lien n'est plus valable » et l'étape suivante. Pose le cookie anti-CSRF. En-têtes : CSP stricte, `Referrer-Policy: no-referrer`, `Cache-Control: no-store`.",
    params(LinkQuery),
    responses(
        (status = 200, description = "Le formulaire du nouveau mot de passe.", body = String, content_type = "text/html"),
        (status = 410, description = "Lien inconnu, déjà utilisé ou expiré.", body = String, content_type = "text/html"),
        PageErrors,
    ),
)]
pub(crate) async fn page(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<LinkQuery>) -> Response {
    let Ok(t) = texts(&state) else { return unexpected_plain() };
    let token = q.token.map(Secret::new);
    let Some(token) = token.filter(|t| well_formed(t.expose())) else {
        tracing::info!(outcome = "link_malformed", "password page");
        return expired(&state, &t);
    };
    match flows::reset::link_status(&state, &token).await {
        Ok(Some(status)) => {
            tracing::info!(outcome = "form", "password page");
            let (csrf, cookie) = csrf::issue(&state, &headers);
            let s = FormState { purpose: status.purpose, info: &status.info, token: token.expose(), csrf: csrf.expose() };
            let mut response = form_page(&state, &t, s, "", None, StatusCode::OK);
            if let Some(cookie) = cookie {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Ok(None) => {
            tracing::info!(outcome = "link_expired", "password page");
            expired(&state, &t)
        }
        Err(f) => unexpected(&state, &t, Some(f)),
    }
}

/// What every page form goes through first: the texts, a readable form, the
/// anti-CSRF check. `page` names the page in the logs (« password page »).
fn checked_form<F>(
    state: &AppState,
    headers: &HeaderMap,
    form: Result<Form<F>, axum::extract::rejection::FormRejection>,
    csrf_of: impl Fn(&F) -> &Secret,
    page: &'static str,
) -> Result<(PageTexts, F), Response> {
    let Ok(t) = texts(state) else { return Err(unexpected_plain()) };
    let Ok(Form(form)) = form else {
        tracing::info!(outcome = "bad_request", "{page} refused");
        return Err(refused(state, &t).into_response_with(StatusCode::BAD_REQUEST));
    };
    if !csrf::accepts(state, headers, csrf_of(&form)) {
        tracing::info!(outcome = "csrf_refused", "{page} refused");
        return Err(refused(state, &t));
    }
    Ok((t, form))
}

fn unexpected_plain() -> Response {
    tracing::error!("the pages' texts could not be loaded");
    secure((StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "Erreur interne.").into_response())
}

/// Le formulaire de la page du lien (`application/x-www-form-urlencoded`).
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PasswordForm {
    /// Le jeton du lien (champ caché de la page).
    #[serde(default)]
    #[schema(value_type = String)]
    token: Secret,
    /// Le champ anti-CSRF de la page (égal au cookie).
    #[serde(default)]
    #[schema(value_type = String)]
    csrf: Secret,
    /// (A) Le nouveau mot de passe.
    #[serde(default)]
    #[schema(value_type = String, max_length = 128)]
    new_password: Secret,
    /// (B) Sa confirmation.
    #[serde(default)]
    #[schema(value_type = String, max_length = 128)]
    new_password_confirmation: Secret,
}

#[utoipa::path(
    post,
    path = "/compte/mot-de-passe",
    operation_id = "passwordPageSubmit",
    tag = "Pages",
    summary = "Enregistrer le nouveau mot de passe (formulaire de la page)",
    description = "Le formulaire de la page (`application/x-www-form-urlencoded`), passé à la même procédure que `POST /v1/password/reset` : mêmes règles, même ordre (vide, règles, confirmation), mêmes messages. Succès : page « Votre nouveau mot de passe est désormais actif ! ». Erreur de saisie : le formulaire à nouveau, avec le résumé d'erreur relié au champ (400 ou 422). Lien inconnu, utilisé ou expiré : 410. Cookie anti-CSRF absent ou différent du champ `csrf`, ou requête d'un autre site (`Sec-Fetch-Site`) : 403, rien n'est modifié.",
    request_body(content = PasswordForm, description = "Le formulaire de la page, tel que le navigateur l'envoie.", content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Mot de passe enregistré : page de succès.", body = String, content_type = "text/html"),
        (status = 400, description = "Mot de passe absent, confirmation différente, ou formulaire illisible : le formulaire et son message.", body = String, content_type = "text/html"),
        (status = 403, description = "Contrôle anti-CSRF refusé : rien n'est modifié.", body = String, content_type = "text/html"),
        (status = 410, description = "Lien inconnu, déjà utilisé ou expiré.", body = String, content_type = "text/html"),
        (status = 422, description = "Le mot de passe enfreint des règles : le formulaire, la liste des règles et le message.", body = String, content_type = "text/html"),
        PageErrors,
    ),
)]
pub(crate) async fn submit(State(state): State<AppState>, headers: HeaderMap, form: Result<Form<PasswordForm>, axum::extract::rejection::FormRejection>) -> Response {
    let (t, form) = match checked_form(&state, &headers, form, |f: &PasswordForm| &f.csrf, "password page") {
        Ok(checked) => checked,
        Err(answer) => return answer,
    };
    if !well_formed(form.token.expose()) {
        tracing::info!(outcome = "link_malformed", "password page");
        return expired(&state, &t);
    }
    let too_long = [&form.new_password, &form.new_password_confirmation].iter().any(|s| s.expose().chars().count() > borne_core::password::MAX_LENGTH);
    let status = match flows::reset::link_status(&state, &form.token).await {
        Ok(Some(status)) => status,
        Ok(None) => {
            tracing::info!(outcome = "link_expired", "password page");
            return expired(&state, &t);
        }
        Err(f) => return unexpected(&state, &t, Some(f)),
    };
    let s = FormState { purpose: status.purpose, info: &status.info, token: form.token.expose(), csrf: form.csrf.expose() };
    if too_long {
        return form_page(&state, &t, s, "", Some(BorneError::BadRequest), StatusCode::BAD_REQUEST);
    }
    let typed = form.new_password.clone();
    let request = borne_api::ResetPasswordRequest {
        token: form.token.clone(),
        new_password: form.new_password.clone(),
        new_password_confirmation: form.new_password_confirmation.clone(),
    };
    match flows::reset::reset(&state, request).await {
        Ok(()) => {
            let done = match status.purpose {
                Purpose::Reset => &t.done_reset,
                Purpose::Unlock => &t.done_unlock,
                Purpose::Registration => &t.done_registration,
            };
            let f = Frame { t: &t, insurer: &state.config.support.insurer, title: &t.done_title };
            let page = MessagePage { paragraphs: vec![done, &t.done_notice, &t.done_problem], success: true, f };
            html(StatusCode::OK, page.render())
        }
        Err(Failure::Member(BorneError::CodeExpired)) => expired(&state, &t),
        Err(Failure::Member(e)) => {
            let status = status_of(&e);
            form_page(&state, &t, s, typed.expose(), Some(e), status)
        }
        Err(f) => unexpected(&state, &t, Some(f)),
    }
}

trait WithStatus {
    fn into_response_with(self, status: StatusCode) -> Response;
}

impl WithStatus for Response {
    fn into_response_with(mut self, status: StatusCode) -> Response {
        *self.status_mut() = status;
        self
    }
}

/// Ce que le script de la page envoie pendant la saisie.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct RulesForm {
    /// Le jeton du lien (pour les informations personnelles de l'adhérent).
    #[serde(default)]
    #[schema(value_type = String)]
    token: Secret,
    /// Le champ anti-CSRF de la page (égal au cookie).
    #[serde(default)]
    #[schema(value_type = String)]
    csrf: Secret,
    /// Le mot de passe saisi.
    #[serde(default)]
    #[schema(value_type = String, max_length = 128)]
    password: Secret,
    /// La confirmation saisie.
    #[serde(default)]
    #[schema(value_type = String, max_length = 128)]
    confirmation: Secret,
}

/// Une ligne de la liste des règles.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RuleAnswer {
    /// La règle (`borne_core::password::Rule`, en snake_case).
    #[schema(value_type = String)]
    rule: borne_core::password::Rule,
    /// Son libellé, dans la langue du serveur.
    label: String,
    /// Respectée par le mot de passe saisi.
    met: bool,
}

/// La liste des règles en direct : celles de borne-core, avec leurs libellés.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RulesAnswer {
    /// Les règles, dans l'ordre de l'application.
    rules: Vec<RuleAnswer>,
    /// Les deux saisies sont identiques (et non vides).
    confirmation_matches: bool,
    /// Le mot de passe passerait les contrôles de `check_new_password`.
    acceptable: bool,
}

#[utoipa::path(
    post,
    path = "/compte/regles",
    operation_id = "passwordPageRules",
    tag = "Pages",
    summary = "Liste des règles en direct (script de la page)",
    description = "Appelé par le script de la page pendant la saisie : les règles de borne-core (avec les informations personnelles de l'adhérent du lien quand il est valable, comme dans l'application) et si la confirmation correspond. Ne modifie rien. Même contrôle anti-CSRF que le formulaire (403 sinon).",
    request_body(content = RulesForm, description = "Ce que le script envoie pendant la saisie.", content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "La liste des règles.", body = RulesAnswer),
        (status = 400, description = "Formulaire illisible ou valeur de plus de 128 caractères.", body = String, content_type = "text/html"),
        (status = 403, description = "Contrôle anti-CSRF refusé.", body = String, content_type = "text/html"),
        PageErrors,
    ),
)]
pub(crate) async fn rules(State(state): State<AppState>, headers: HeaderMap, form: Result<Form<RulesForm>, axum::extract::rejection::FormRejection>) -> Response {
    let Ok(t) = texts(&state) else { return unexpected_plain() };
    let Ok(Form(form)) = form else { return refused(&state, &t).into_response_with(StatusCode::BAD_REQUEST) };
    if !csrf::accepts(&state, &headers, &form.csrf) {
        tracing::info!(outcome = "csrf_refused", "password rules refused");
        return refused(&state, &t);
    }
    if [&form.password, &form.confirmation].iter().any(|s| s.expose().chars().count() > borne_core::password::MAX_LENGTH) {
        return refused(&state, &t).into_response_with(StatusCode::BAD_REQUEST);
    }
    let info = if well_formed(form.token.expose()) {
        match flows::reset::link_status(&state, &form.token).await {
            Ok(status) => status.map(|s| s.info).unwrap_or_default(),
            Err(f) => return unexpected(&state, &t, Some(f)),
        }
    } else {
        PersonalInfo::default()
    };
    let (p, c) = (form.password.expose(), form.confirmation.expose());
    let rules = check_with_in(p, &info, state.config.language)
        .into_iter()
        .map(|r| RuleAnswer { rule: r.rule, label: r.label, met: r.met })
        .collect();
    let answer = RulesAnswer { rules, confirmation_matches: !c.is_empty() && p == c, acceptable: check_new_password(p, c, &info).is_ok() };
    secure(axum::Json(answer).into_response())
}

/// The routes of the pages, documented with the API (tag "Pages").
pub(crate) fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(page, submit))
        .routes(routes!(rules))
        .routes(routes!(disown::page, disown::submit))
        .routes(routes!(assets::style))
        .routes(routes!(assets::script))
}
