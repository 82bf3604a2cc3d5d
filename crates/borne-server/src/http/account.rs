//! `/v1/account/…`: the account and security centre ([`crate::account_centre`]).
//! Every route needs a full session: 401 `session_expired` without one, 403
//! `password_change_required` for a session opened with an SMS temporary
//! password.

use super::extract::{ApiJson, BearerToken};
use super::ApiFailure;
use crate::account_centre as centre;
use crate::error::Failure;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use borne_api::{Activity, BlockRequest, ContactChangeRequest, ContactConfirmRequest, Contacts, EndedSessions, PendingContactChange, Sessions};

errors!(AccountErrors {
    401 "Jeton absent, inconnu, expiré ou révoqué." [SessionExpired],
    403 "Session ouverte avec un mot de passe temporaire : changer d'abord le mot de passe." [PasswordChangeRequired],
});

errors!(ChangeErrors {
    400 "Adresse e-mail invalide (`email_invalid`), numéro qui n'est pas un mobile français (`phone_invalid`), valeur de plus de 254 caractères ou JSON mal formé (`bad_request`)." [EmailInvalid, PhoneInvalid, BadRequest],
    401 "Jeton absent, inconnu, expiré ou révoqué." [SessionExpired],
    403 "Session ouverte avec un mot de passe temporaire." [PasswordChangeRequired],
    409 "C'est déjà la coordonnée enregistrée." [ContactUnchanged],
});

errors!(ConfirmErrors {
    400 "Code vide (`code_missing`) ou qui n'est pas fait de 6 chiffres (`code_format`), ou JSON mal formé ; aucun essai n'est décompté." [CodeMissing, CodeFormat, BadRequest],
    401 "Code incorrect (`code_invalid`, avec `attempts_left`), ou jeton de session absent, inconnu, expiré ou révoqué (`session_expired`)." [CodeInvalid, SessionExpired],
    403 "Session ouverte avec un mot de passe temporaire." [PasswordChangeRequired],
    409 "L'adresse e-mail est celle d'un autre compte (dit seulement ici, une fois le code reçu à cette adresse)." [ContactInUse],
    410 "Pas de changement en attente : code expiré, déjà utilisé, remplacé ou saisi 5 fois." [CodeExpired],
});

errors!(BodyErrors {
    400 "JSON mal formé ou champ inconnu." [BadRequest],
    401 "Jeton absent, inconnu, expiré ou révoqué." [SessionExpired],
    403 "Session ouverte avec un mot de passe temporaire." [PasswordChangeRequired],
});

fn fail(state: &AppState) -> impl Fn(Failure) -> ApiFailure + '_ {
    move |f| ApiFailure::from_failure(f, &state.config.support)
}

#[utoipa::path(
    get,
    path = "/v1/account/contacts",
    operation_id = "accountContacts",
    tag = "Espace",
    summary = "Mes coordonnées",
    description = "Le mobile et l'e-mail enregistrés, masqués, si le déblocage par SMS est possible (mobile de France métropolitaine), et le changement qui attend son code.",
    security(("sessionToken" = [])),
    responses((status = 200, description = "Les coordonnées.", body = Contacts), AccountErrors),
)]
pub(super) async fn contacts(State(state): State<AppState>, BearerToken(token): BearerToken) -> Result<Json<Contacts>, ApiFailure> {
    let member_id = centre::member_of(&state, &token).await.map_err(fail(&state))?;
    centre::contacts(&state, member_id).await.map(Json).map_err(fail(&state))
}

#[utoipa::path(
    post,
    path = "/v1/account/contacts/change",
    operation_id = "changeContact",
    tag = "Espace",
    summary = "Changer l'e-mail ou le mobile",
    description = "Envoie un code à 6 chiffres à la nouvelle coordonnée (e-mail, ou SMS au mobile : portable français, métropole ou outre-mer), valable 30 minutes, à saisir avec `POST /v1/account/contacts/confirm`. Une nouvelle demande remplace la précédente (les essais déjà faits sont conservés). Le budget d'envois de l'adhérent s'applique (5 e-mails, 3 SMS par heure) : épuisé, la réponse est la même et rien n'est envoyé. Ne dit jamais si l'adresse est celle d'un autre compte.",
    security(("sessionToken" = [])),
    request_body(content = ContactChangeRequest, description = "Le moyen et la nouvelle coordonnée."),
    responses((status = 202, description = "Code envoyé (ou budget épuisé : même réponse).", body = PendingContactChange), ChangeErrors),
)]
pub(super) async fn change(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    ApiJson(req): ApiJson<ContactChangeRequest>,
) -> Result<(StatusCode, Json<PendingContactChange>), ApiFailure> {
    let member_id = centre::member_of(&state, &token).await.map_err(fail(&state))?;
    let pending = centre::change(&state, member_id, req.channel, &req.value).await.map_err(fail(&state))?;
    Ok((StatusCode::ACCEPTED, Json(pending)))
}

#[utoipa::path(
    post,
    path = "/v1/account/contacts/confirm",
    operation_id = "confirmContact",
    tag = "Espace",
    summary = "Confirmer la nouvelle coordonnée",
    description = "Le code reçu à la nouvelle coordonnée (5 essais, usage unique). Succès : la coordonnée est changée (audit `email_changed` ou `mobile_changed`), l'ancienne adresse reçoit un avis avec un lien « Ce n'est pas moi » (pour un mobile : l'e-mail enregistré, et un SMS à l'ancien mobile), et la réponse donne les coordonnées à jour.",
    security(("sessionToken" = [])),
    request_body(content = ContactConfirmRequest, description = "Le moyen et le code reçu."),
    responses((status = 200, description = "Coordonnée changée.", body = Contacts), ConfirmErrors),
)]
pub(super) async fn confirm(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    ApiJson(req): ApiJson<ContactConfirmRequest>,
) -> Result<Json<Contacts>, ApiFailure> {
    let member_id = centre::member_of(&state, &token).await.map_err(fail(&state))?;
    centre::confirm(&state, member_id, req.channel, &req.code).await.map(Json).map_err(fail(&state))
}

#[utoipa::path(
    get,
    path = "/v1/account/activity",
    operation_id = "accountActivity",
    tag = "Espace",
    summary = "Sécurité du compte",
    description = "Les 20 dernières connexions réussies (borne et son nom, ou ordinateur) et les 20 derniers événements du compte tirés du journal d'audit, du plus récent au plus ancien. Jamais un secret ni un détail du journal, jamais les données d'un autre adhérent.",
    security(("sessionToken" = [])),
    responses((status = 200, description = "Connexions et événements.", body = Activity), AccountErrors),
)]
pub(super) async fn activity(State(state): State<AppState>, BearerToken(token): BearerToken) -> Result<Json<Activity>, ApiFailure> {
    let member_id = centre::member_of(&state, &token).await.map_err(fail(&state))?;
    centre::activity(&state, member_id).await.map(Json).map_err(fail(&state))
}

#[utoipa::path(
    get,
    path = "/v1/account/sessions",
    operation_id = "accountSessions",
    tag = "Espace",
    summary = "Sessions ouvertes",
    description = "Les sessions ouvertes de l'adhérent (non expirées, non révoquées), la plus récente d'abord ; `current` marque celle de la requête. Un identifiant public, jamais le jeton.",
    security(("sessionToken" = [])),
    responses((status = 200, description = "Les sessions.", body = Sessions), AccountErrors),
)]
pub(super) async fn sessions(State(state): State<AppState>, BearerToken(token): BearerToken) -> Result<Json<Sessions>, ApiFailure> {
    let member_id = centre::member_of(&state, &token).await.map_err(fail(&state))?;
    let sessions = centre::sessions(&state, member_id, &token).await.map_err(fail(&state))?;
    Ok(Json(Sessions { sessions }))
}

#[utoipa::path(
    post,
    path = "/v1/account/sessions/end-others",
    operation_id = "endOtherSessions",
    tag = "Espace",
    summary = "Déconnecter les autres appareils",
    description = "Ferme toutes les sessions de l'adhérent sauf celle de la requête (audit `other_sessions_ended`). Corps : `{}`.",
    security(("sessionToken" = [])),
    request_body(content = EmptyBody, description = "Un objet vide : `{}`."),
    responses((status = 200, description = "Combien de sessions ont été fermées.", body = EndedSessions), BodyErrors),
)]
pub(super) async fn end_others(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    ApiJson(_): ApiJson<EmptyBody>,
) -> Result<Json<EndedSessions>, ApiFailure> {
    let member_id = centre::member_of(&state, &token).await.map_err(fail(&state))?;
    let ended = centre::end_others(&state, member_id, &token).await.map_err(fail(&state))?;
    Ok(Json(EndedSessions { ended }))
}

/// Un objet vide, `{}` : la requête ne porte rien de plus que la session.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EmptyBody {}

#[utoipa::path(
    post,
    path = "/v1/account/block",
    operation_id = "blockAccount",
    tag = "Espace",
    summary = "Ce n'est pas moi",
    description = "Bloque le compte tout de suite, ferme toutes ses sessions (celle-ci comprise), met fin aux codes et mots de passe temporaires en cours ; audit `account_blocked` (détail `member_report`, avec l'événement cité s'il est celui de l'adhérent). L'adhérent choisit ensuite un nouveau mot de passe par « Mot de passe oublié ? », qui débloque le compte.",
    security(("sessionToken" = [])),
    request_body(content = BlockRequest, description = "L'événement que l'adhérent ne reconnaît pas, s'il vient de la liste."),
    responses((status = 204, description = "Compte bloqué, sessions fermées."), BodyErrors),
)]
pub(super) async fn block(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    ApiJson(req): ApiJson<BlockRequest>,
) -> Result<StatusCode, ApiFailure> {
    let member_id = centre::member_of(&state, &token).await.map_err(fail(&state))?;
    centre::block_from_session(&state, member_id, req.event_id).await.map_err(fail(&state))?;
    Ok(StatusCode::NO_CONTENT)
}
