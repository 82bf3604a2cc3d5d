//! The pages' stylesheet (the insurer's colours) and the checklist script,
//! served by the server itself: no third-party resource, no inline code.

use super::secure;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Template)]
#[template(path = "pages/style.css", escape = "none")]
struct Style<'a> {
    primary: &'a str,
    primary_dark: &'a str,
    on_primary: &'a str,
}

/// `#rrggbb`, or the fallback (the profile's files are checked by
/// borne-content's tests; this keeps anything else out of the CSS).
fn colour<'a>(c: &'a str, fallback: &'static str) -> &'a str {
    let ok = c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        c
    } else {
        fallback
    }
}

errors!(AssetErrors {});

#[utoipa::path(
    get,
    path = "/compte/style.css",
    operation_id = "passwordPageStyle",
    tag = "Pages",
    summary = "Feuille de style des pages",
    description = "Aux couleurs du profil de l'assureur (`content/profiles/`).",
    responses((status = 200, description = "La feuille de style.", body = String, content_type = "text/css"), AssetErrors),
)]
pub(crate) async fn style(State(state): State<AppState>) -> Response {
    let profile = borne_content::profile(&state.config.profile).ok();
    let c = profile.as_ref().map(|p| &p.colours);
    let page = Style {
        primary: colour(c.map_or("", |c| c.primary.as_str()), "#0054a6"),
        primary_dark: colour(c.map_or("", |c| c.primary_dark.as_str()), "#003b75"),
        on_primary: colour(c.map_or("", |c| c.on_primary.as_str()), "#ffffff"),
    };
    match page.render() {
        Ok(css) => secure(([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css).into_response()),
        Err(_) => secure(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

#[utoipa::path(
    get,
    path = "/compte/checklist.js",
    operation_id = "passwordPageScript",
    tag = "Pages",
    summary = "Script de la liste des règles en direct",
    description = "Le seul script des pages (même origine, aucun script en ligne) : met à jour la liste des règles pendant la saisie (`POST /compte/regles`). Les pages fonctionnent sans lui.",
    responses((status = 200, description = "Le script.", body = String, content_type = "text/javascript"), AssetErrors),
)]
pub(crate) async fn script() -> Response {
    secure(([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("../../../templates/pages/checklist.js")).into_response())
}
