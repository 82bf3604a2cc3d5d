//! « Ce n'est pas moi » (`/compte/ce-n-est-pas-moi`): where the link of a
//! contact-change notice leads. `GET` shows what will happen and one
//! button (mail scanners that open links change nothing); `POST` blocks the
//! account, revokes every session, uses the link up and says the next step
//! (« Mot de passe oublié ? »). Unknown, used and expired links get one
//! page (410), the same for all. Same headers and anti-CSRF check as the
//! password page. Texts here in French and English, the server's language.

use super::{checked_form, csrf, html, texts, unexpected, unexpected_plain, well_formed, Frame, MessagePage, PageErrors};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use borne_content::pages::PageTexts;
use borne_core::{Lang, Secret};
use serde::Deserialize;

/// The page a notice's link opens.
pub(crate) const DISOWN_PATH: &str = "/compte/ce-n-est-pas-moi";

/// The link of a notice: the page, the token in its query.
pub(crate) fn link(public_url: &str, token: &Secret) -> String {
    super::link_to(DISOWN_PATH, public_url, token)
}

struct Words {
    title: &'static str,
    lead: &'static str,
    next: &'static str,
    submit: &'static str,
    done: [&'static str; 2],
    dead: [&'static str; 2],
}

const FR: Words = Words {
    title: "Ce n'est pas moi",
    lead: "Vous n'êtes pas à l'origine de ce changement sur votre compte ? Bloquez votre compte : personne ne pourra plus s'y connecter, et toutes les connexions en cours seront fermées.",
    next: "Vous choisirez ensuite un nouveau mot de passe avec « Mot de passe oublié ? », sous le formulaire de connexion : cela débloquera votre compte.",
    submit: "Bloquer mon compte",
    done: [
        "Votre compte est bloqué, et toutes ses connexions sont fermées.",
        "Pour le débloquer, choisissez un nouveau mot de passe : sur l'application ou sur une borne, touchez « Mot de passe oublié ? » sous le formulaire de connexion et suivez les étapes. Vérifiez ensuite vos coordonnées dans votre espace.",
    ],
    dead: [
        "Ce lien n'est plus valable : il a déjà servi, il a expiré, ou il est incomplet.",
        "Si vous pensez que quelqu'un a accédé à votre compte, choisissez un nouveau mot de passe avec « Mot de passe oublié ? » sous le formulaire de connexion, ou appelez votre mutuelle.",
    ],
};

const EN: Words = Words {
    title: "It was not me",
    lead: "You did not make this change to your account? Block your account: nobody will be able to log in to it any more, and every open session will end.",
    next: "You will then choose a new password with “Forgotten password?”, below the log-in form: this unblocks your account.",
    submit: "Block my account",
    done: [
        "Your account is blocked, and all its sessions have ended.",
        "To unblock it, choose a new password: in the app or at a kiosk, tap “Forgotten password?” below the log-in form and follow the steps. Then check your contact details in your space.",
    ],
    dead: [
        "This link is no longer valid: it has been used, it has expired, or it is incomplete.",
        "If you think someone has accessed your account, choose a new password with “Forgotten password?” below the log-in form, or call your insurer.",
    ],
};

fn words(state: &AppState) -> &'static Words {
    if state.config.language == Lang::En {
        &EN
    } else {
        &FR
    }
}

fn french(state: &AppState, text: &str) -> String {
    if state.config.language == Lang::En {
        text.to_owned()
    } else {
        borne_content::typography::french(text)
    }
}

#[derive(Template)]
#[template(path = "pages/disown.html")]
struct DisownPage<'a> {
    f: Frame<'a>,
    lead: String,
    next: String,
    submit: String,
    token: &'a str,
    csrf: &'a str,
}

fn message(state: &AppState, t: &PageTexts, lines: [&str; 2], success: bool, status: StatusCode) -> Response {
    let title = french(state, words(state).title);
    let lines: Vec<String> = lines.iter().map(|l| french(state, l)).collect();
    let f = Frame { t, insurer: &state.config.support.insurer, title: &title };
    let page = MessagePage { paragraphs: lines.iter().map(String::as_str).collect(), success, f };
    html(status, page.render())
}

/// Unknown, used, expired and malformed links alike.
fn dead(state: &AppState, t: &PageTexts) -> Response {
    message(state, t, words(state).dead, false, StatusCode::GONE)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DisownQuery {
    /// Le jeton du lien de l'avis (usage unique, 7 jours).
    #[serde(default)]
    token: Option<String>,
}

#[utoipa::path(
    get,
    path = "/compte/ce-n-est-pas-moi",
    operation_id = "disownPage",
    tag = "Pages",
    summary = "Page « Ce n'est pas moi »",
    description = "Où mène le lien des avis de changement de coordonnées : ce qui va se passer et un bouton « Bloquer mon compte » (un `GET` ne change rien). Un lien inconnu, déjà utilisé ou expiré répond 410 avec une même page. Pose le cookie anti-CSRF.",
    params(DisownQuery),
    responses(
        (status = 200, description = "La page et son bouton.", body = String, content_type = "text/html"),
        (status = 410, description = "Lien inconnu, déjà utilisé ou expiré.", body = String, content_type = "text/html"),
        PageErrors,
    ),
)]
pub(crate) async fn page(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<DisownQuery>) -> Response {
    let Ok(t) = texts(&state) else { return unexpected_plain() };
    let Some(token) = q.token.map(Secret::new).filter(|t| well_formed(t.expose())) else {
        tracing::info!(outcome = "link_malformed", "disown page");
        return dead(&state, &t);
    };
    match crate::account_centre::disown_link_is_live(&state, &token).await {
        Ok(true) => {
            tracing::info!(outcome = "form", "disown page");
            let (csrf, cookie) = csrf::issue(&state, &headers);
            let w = words(&state);
            let title = french(&state, w.title);
            let page = DisownPage {
                f: Frame { t: &t, insurer: &state.config.support.insurer, title: &title },
                lead: french(&state, w.lead),
                next: french(&state, w.next),
                submit: w.submit.to_owned(),
                token: token.expose(),
                csrf: csrf.expose(),
            };
            let mut response = html(StatusCode::OK, page.render());
            if let Some(cookie) = cookie {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Ok(false) => {
            tracing::info!(outcome = "link_expired", "disown page");
            dead(&state, &t)
        }
        Err(f) => unexpected(&state, &t, Some(f)),
    }
}

/// Le formulaire de la page « Ce n'est pas moi ».
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct DisownForm {
    /// Le jeton du lien (champ caché de la page).
    #[serde(default)]
    #[schema(value_type = String)]
    token: Secret,
    /// Le champ anti-CSRF de la page (égal au cookie).
    #[serde(default)]
    #[schema(value_type = String)]
    csrf: Secret,
}

#[utoipa::path(
    post,
    path = "/compte/ce-n-est-pas-moi",
    operation_id = "disownPageSubmit",
    tag = "Pages",
    summary = "Bloquer le compte (« Ce n'est pas moi »)",
    description = "Bloque le compte, ferme toutes ses sessions, rend le lien inutilisable (audit `account_blocked`, détail `member_report`) et dit l'étape suivante : « Mot de passe oublié ? ». Lien inconnu, utilisé ou expiré : 410, rien n'est modifié. Contrôle anti-CSRF refusé : 403.",
    request_body(content = DisownForm, description = "Le formulaire de la page.", content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Compte bloqué : l'étape suivante.", body = String, content_type = "text/html"),
        (status = 400, description = "Formulaire illisible.", body = String, content_type = "text/html"),
        (status = 403, description = "Contrôle anti-CSRF refusé : rien n'est modifié.", body = String, content_type = "text/html"),
        (status = 410, description = "Lien inconnu, déjà utilisé ou expiré.", body = String, content_type = "text/html"),
        PageErrors,
    ),
)]
pub(crate) async fn submit(State(state): State<AppState>, headers: HeaderMap, form: Result<Form<DisownForm>, axum::extract::rejection::FormRejection>) -> Response {
    let (t, form) = match checked_form(&state, &headers, form, |f: &DisownForm| &f.csrf, "disown page") {
        Ok(checked) => checked,
        Err(answer) => return answer,
    };
    if !well_formed(form.token.expose()) {
        return dead(&state, &t);
    }
    match crate::account_centre::block_from_link(&state, &form.token).await {
        Ok(true) => message(&state, &t, words(&state).done, true, StatusCode::OK),
        Ok(false) => {
            tracing::info!(outcome = "link_expired", "disown page");
            dead(&state, &t)
        }
        Err(f) => unexpected(&state, &t, Some(f)),
    }
}

