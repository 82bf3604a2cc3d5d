//! Routes of the account procedures: input checked with borne-core's rules
//! (precise 400 answers), then handed to `crate::flows`.

use borne_api::Coded;
use super::extract::{ApiJson, BearerToken};
use super::ApiFailure;
use crate::client::ClientId;
use crate::error::Failure;
use crate::flows;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use borne_api::{
    Accepted, ChangePasswordRequest, ChannelOption, ForgotPasswordRequest, LoginResponse, Purpose, RegisterRequest,
    ResetPasswordRequest, TokenResponse, UnlockRequest, UnlockResponse, UnlockSendRequest, VerifyCodeRequest,
};
use borne_core::email::Email;
use borne_core::{password, BirthDate, BorneError, Identifier, Lang, Nir, Secret};

type Answer<T> = Result<T, ApiFailure>;

fn refuse(state: &AppState, e: BorneError) -> ApiFailure {
    tracing::info!(outcome = "invalid_input", code = ?e.code(), "request refused");
    ApiFailure::new(e, &state.config.support)
}

fn failure(state: &AppState, f: Failure) -> ApiFailure {
    ApiFailure::from_failure(f, &state.config.support)
}

fn member_number(state: &AppState, typed: &str) -> Answer<String> {
    borne_core::member_number::parse(typed).map_err(|e| refuse(state, e))
}

fn bounded(state: &AppState, secrets: &[&Secret]) -> Answer<()> {
    for s in secrets {
        if s.expose().chars().count() > password::MAX_LENGTH {
            return Err(refuse(state, BorneError::BadRequest));
        }
    }
    Ok(())
}

/// The NIR and date of birth of the unlock and registration forms, the date
/// checked against the year and month the NIR carries.
fn nir_and_birthdate(state: &AppState, nir: &str, birthdate: &str) -> Answer<(Nir, BirthDate)> {
    borne_core::birthdate::parse_nir_and_birthdate(nir, birthdate).map_err(|e| refuse(state, e))
}

errors!(ForgotPasswordErrors {
    400 "Saisie invalide." [IdentifierMissing, NirLength, NirCharacters, NirFirstDigit, NirKey, EmailInvalid, MemberNumberMissing, BadRequest],
});

#[utoipa::path(
    post,
    path = "/v1/password/forgot",
    operation_id = "forgotPassword",
    tag = "Mot de passe",
    summary = "Mot de passe oublié",
    description = "Guide MPN, étapes 4 à 6 : (A) NIR ou e-mail, (B) numéro interne, (C) e-mail du compte. Toujours 202 avec le même message, que les données correspondent ou non à un compte ; l'e-mail « Réinitialisation de mot de passe » (lien et code valables 30 minutes) part en arrière-plan, 5 envois par heure au plus. L'e-mail compte dans le budget de l'adhérent (5 e-mails par heure, toutes démarches confondues) ; budget épuisé, la réponse reste la même. Le formulaire est conservé (chiffré) avant la réponse, puis examiné par le serveur : rien n'est perdu si le serveur s'arrête juste après.",
    request_body(content = ForgotPasswordRequest, description = "Les trois informations du guide MPN : (A) NIR ou e-mail, (B) numéro interne, (C) e-mail du compte."),
    responses((status = 202, description = "Demande prise en compte (réponse identique dans tous les cas).", body = Accepted), ForgotPasswordErrors),
)]
pub(super) async fn forgot(State(state): State<AppState>, ApiJson(req): ApiJson<ForgotPasswordRequest>) -> Answer<(StatusCode, Json<Accepted>)> {
    let identifier = Identifier::parse(&req.identifier).map_err(|e| refuse(&state, e))?;
    let member_number = member_number(&state, &req.member_number)?;
    let email = Email::parse(&req.email).map_err(|e| refuse(&state, e))?;
    flows::forgot::request(&state, identifier, member_number, email).await.map_err(|f| failure(&state, f))?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { message: borne_content::accepted::forgot_password(Lang::Fr) })))
}

errors!(RegisterErrors {
    400 "Saisie invalide." [IdentifierMissing, NirLength, NirCharacters, NirFirstDigit, NirKey, BirthDateMissing, BirthDateFormat, BirthDateInvalid, BirthDateNirMismatch, MemberNumberMissing, EmailInvalid, BadRequest],
});

#[utoipa::path(
    post,
    path = "/v1/register",
    operation_id = "register",
    tag = "Inscription",
    summary = "Pas encore inscrit ?",
    description = "NIR, numéro interne, date de naissance et e-mail doivent correspondre à un adhérent non encore inscrit. Toujours 202 avec le même message ; le code d'activation part par e-mail, puis `POST /v1/codes/verify` (purpose `registration`, identifier = le NIR) et `POST /v1/password/reset` fixent le premier mot de passe.",
    request_body(content = RegisterRequest, description = "NIR, numéro interne, date de naissance et e-mail de l'adhérent qui s'inscrit."),
    responses((status = 202, description = "Demande prise en compte (réponse identique dans tous les cas).", body = Accepted), RegisterErrors),
)]
pub(super) async fn register(State(state): State<AppState>, ApiJson(req): ApiJson<RegisterRequest>) -> Answer<(StatusCode, Json<Accepted>)> {
    let (nir, birthdate) = nir_and_birthdate(&state, &req.nir, &req.birthdate)?;
    let member_number = member_number(&state, &req.member_number)?;
    let email = Email::parse(&req.email).map_err(|e| refuse(&state, e))?;
    flows::register::request(&state, nir, member_number, birthdate, email).await.map_err(|f| failure(&state, f))?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { message: borne_content::accepted::registration(Lang::Fr) })))
}

errors!(VerifyCodeErrors {
    400 "Identifiant invalide, code vide (`code_missing`) ou qui n'est pas fait de 6 chiffres (`code_format` ; espaces ignorés), ou JSON mal formé ; aucun essai n'est décompté." [IdentifierMissing, NirLength, NirCharacters, NirFirstDigit, NirKey, EmailInvalid, CodeMissing, CodeFormat, BadRequest],
    401 "Code incorrect, avec `attempts_left`." [CodeInvalid],
    410 "Aucun code valable : expiré, déjà utilisé, trop d'essais, ou rien n'a été envoyé." [CodeExpired],
});

#[utoipa::path(
    post,
    path = "/v1/codes/verify",
    operation_id = "verifyCode",
    tag = "Mot de passe",
    summary = "Vérifier un code reçu par e-mail",
    description = "Échange le code à 6 chiffres saisi sur la borne contre le jeton que porte le lien de l'e-mail. 5 essais au plus par adhérent et par démarche pendant la durée de vie d'un code, renvois compris ; ensuite 410. La réponse ne dit jamais si l'identifiant correspond à un compte ni si un code vivant existe : un code faux répond 401 `code_invalid` avec les essais restants, puis 410, de la même façon pour un identifiant inconnu.",
    request_body(content = VerifyCodeRequest, description = "Le code reçu par e-mail, la démarche et l'identifiant avec lequel elle a commencé."),
    responses((status = 200, description = "Code accepté.", body = TokenResponse), VerifyCodeErrors),
)]
pub(super) async fn verify_code(State(state): State<AppState>, ApiJson(req): ApiJson<VerifyCodeRequest>) -> Answer<Json<TokenResponse>> {
    let identifier = match req.purpose {
        Purpose::Reset => Identifier::parse(&req.identifier),
        Purpose::Unlock | Purpose::Registration => Nir::parse(&req.identifier).map(Identifier::Nir),
    }
    .map_err(|e| refuse(&state, e))?;
    let code = borne_core::code::parse(req.code.expose()).map_err(|e| refuse(&state, e))?;
    flows::codes::verify(&state, req.purpose, &identifier, &code).await.map(Json).map_err(|f| failure(&state, f))
}

errors!(ResetPasswordErrors {
    400 "Nouveau mot de passe absent (`password_missing`), confirmation différente, valeur de plus de 128 caractères ou JSON mal formé." [PasswordMissing, PasswordsDiffer, BadRequest],
    410 "Jeton expiré, déjà utilisé ou inconnu." [CodeExpired],
    422 "Le mot de passe enfreint les règles listées dans `rules` (vérifiées avant la confirmation)." [PasswordPolicy],
});

#[utoipa::path(
    post,
    path = "/v1/password/reset",
    operation_id = "resetPassword",
    tag = "Mot de passe",
    summary = "Choisir un nouveau mot de passe avec un jeton",
    description = "Fin commune du mot de passe oublié, du déblocage par e-mail et de l'inscription (guide MPN, étapes 8 à 10). Jeton à usage unique ; lève le blocage, révoque toutes les sessions, envoie un e-mail de notification.",
    request_body(content = ResetPasswordRequest, description = "Le jeton (du lien de l'e-mail ou de `POST /v1/codes/verify`) et le nouveau mot de passe, deux fois."),
    responses((status = 204, description = "Mot de passe enregistré ; l'adhérent peut se connecter."), ResetPasswordErrors),
)]
pub(super) async fn reset(State(state): State<AppState>, ApiJson(req): ApiJson<ResetPasswordRequest>) -> Answer<StatusCode> {
    bounded(&state, &[&req.token, &req.new_password, &req.new_password_confirmation])?;
    flows::reset::reset(&state, req).await.map(|()| StatusCode::NO_CONTENT).map_err(|f| failure(&state, f))
}

errors!(UnlockErrors {
    400 "NIR ou date de naissance invalides, ou incohérents entre eux." [IdentifierMissing, NirLength, NirCharacters, NirFirstDigit, NirKey, BirthDateMissing, BirthDateFormat, BirthDateInvalid, BirthDateNirMismatch, BadRequest],
    403 "Identité non vérifiée." [IdentityNotVerified],
    409 "Compte non bloqué, ou aucun moyen de réception connu." [NotBlocked, NoContactChannel],
});

#[utoipa::path(
    post,
    path = "/v1/unlock",
    operation_id = "unlock",
    tag = "Déblocage",
    summary = "Débloquer son compte : identité",
    description = "Guide MGEN, étapes 2 à 4 : NIR et date de naissance. Répond les moyens de réception connus ; s'il n'y en a qu'un, il a déjà servi (`sent`). Échecs d'identité limités à 5 par client (borne ou adresse) en 15 minutes et à 10 par NIR en une heure, tous clients confondus, comptés de la même façon pour un NIR inconnu : 429 dans les deux cas, sans rien dire du NIR.",
    request_body(content = UnlockRequest, description = "NIR et date de naissance de l'adhérent bloqué."),
    responses((status = 200, description = "Identité vérifiée.", body = UnlockResponse), UnlockErrors),
)]
pub(super) async fn unlock(State(state): State<AppState>, client: ClientId, ApiJson(req): ApiJson<UnlockRequest>) -> Answer<Json<UnlockResponse>> {
    let (nir, birthdate) = nir_and_birthdate(&state, &req.nir, &req.birthdate)?;
    flows::unlock::start(&state, &client, &nir, &birthdate).await.map(Json).map_err(|f| failure(&state, f))
}

errors!(UnlockSendErrors {
    400 "JSON mal formé ou `unlock_id` trop long." [BadRequest],
    409 "Moyen non disponible pour ce compte, ou compte plus bloqué." [ChannelUnavailable, NotBlocked],
    410 "Demande de déblocage expirée, inconnue ou envois épuisés." [CodeExpired],
});

#[utoipa::path(
    post,
    path = "/v1/unlock/send",
    operation_id = "unlockSend",
    tag = "Déblocage",
    summary = "Débloquer son compte : envoi",
    description = "Envoie, par le moyen choisi, un mot de passe temporaire (SMS) ou un lien et un code (e-mail). 5 envois au plus par demande. Chaque message compte dans le budget de l'adhérent (5 e-mails et 3 SMS par heure, toutes démarches confondues) ; budget épuisé, la réponse reste la même et rien n'est envoyé.",
    request_body(content = UnlockSendRequest, description = "La demande de déblocage et le moyen de réception choisi."),
    responses((status = 200, description = "Envoyé ; la coordonnée masquée est à montrer à l'adhérent.", body = ChannelOption), UnlockSendErrors),
)]
pub(super) async fn unlock_send(State(state): State<AppState>, ApiJson(req): ApiJson<UnlockSendRequest>) -> Answer<Json<ChannelOption>> {
    if req.unlock_id.len() > 64 {
        return Err(refuse(&state, BorneError::BadRequest));
    }
    flows::unlock::send(&state, &req.unlock_id, req.channel).await.map(Json).map_err(|f| failure(&state, f))
}

errors!(ChangePasswordErrors {
    400 "Nouveau mot de passe absent (`password_missing`), confirmation différente, valeur de plus de 128 caractères ou JSON mal formé." [PasswordMissing, PasswordsDiffer, BadRequest],
    401 "Session absente ou expirée, ou mot de passe actuel incorrect." [SessionExpired, CurrentPasswordWrong],
    422 "Le mot de passe enfreint les règles listées dans `rules` (vérifiées avant la confirmation)." [PasswordPolicy],
    423 "Troisième mot de passe actuel incorrect de suite : le compte est bloqué (comme après trois échecs de connexion) et toutes ses sessions, celle-ci comprise, sont révoquées." [AccountBlocked],
});

#[utoipa::path(
    post,
    path = "/v1/password/change",
    operation_id = "changePassword",
    tag = "Mot de passe",
    summary = "Changer de mot de passe depuis une session",
    description = "Après une connexion avec un mot de passe temporaire (guide MGEN, étape 5 : le mot de passe actuel n'est pas demandé) ou depuis une session normale (mot de passe actuel exigé). Répond une nouvelle session complète ; l'ancienne est remplacée. Le mot de passe actuel est compté comme une connexion : trois erreurs de suite bloquent le compte et révoquent toutes ses sessions.",
    security(("sessionToken" = [])),
    request_body(content = ChangePasswordRequest, description = "Mot de passe actuel (sauf après un mot de passe temporaire) et nouveau mot de passe, deux fois."),
    responses((status = 200, description = "Mot de passe changé ; nouvelle session.", body = LoginResponse), ChangePasswordErrors),
)]
pub(super) async fn change_password(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> Answer<Json<LoginResponse>> {
    let mut all = vec![&req.new_password, &req.new_password_confirmation];
    if let Some(c) = &req.current_password {
        all.push(c);
    }
    bounded(&state, &all)?;
    flows::change::change(&state, &token, req).await.map(Json).map_err(|f| failure(&state, f))
}
