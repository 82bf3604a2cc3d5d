//! Wire types of the account and security centre (`/v1/account/…`, issue 16):
//! the member's contacts and their change confirmed by a code, the last
//! log-ins and the account's events, the open sessions, and « Ce n'est pas
//! moi ». Every route needs a full session (`Authorization: Bearer …`); a
//! session opened with an SMS temporary password gets 403
//! `password_change_required`, and a member only ever sees their own data.
//!
//! Dates are Unix seconds (UTC); the app writes them in French, in the
//! insurer's time zone. Texts are not here: the app words each `kind` from
//! `borne-content`.

use crate::wire::Channel;
use borne_core::Secret;
use serde::{Deserialize, Serialize};

/// `GET /v1/account/contacts` (et réponse de `POST /v1/account/contacts/confirm`) :
/// les coordonnées enregistrées, masquées comme à l'écran de déblocage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contacts {
    /// Adresse e-mail enregistrée, masquée (`j•••@exemple.fr`) ; `null` si aucune.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub email: Option<String>,
    /// Numéro de mobile enregistré, masqué (`06 •• •• •• 42`) ; `null` si aucun.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub mobile: Option<String>,
    /// Vrai quand le mobile enregistré est un portable de France
    /// métropolitaine : seul un tel numéro permet le déblocage par SMS (guide MGEN).
    pub sms_unlock_possible: bool,
    /// Un changement en attente de son code, s'il y en a un.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub pending: Option<PendingContactChange>,
}

/// `POST /v1/account/contacts/change` : la nouvelle coordonnée ; un code à
/// 6 chiffres lui est envoyé (e-mail ou SMS), à saisir avec
/// `POST /v1/account/contacts/confirm`. Le budget d'envois de l'adhérent s'applique.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactChangeRequest {
    /// `email` ou `sms` (le mobile).
    pub channel: Channel,
    /// La nouvelle adresse e-mail, ou le nouveau numéro de mobile (espaces tolérés, 254 caractères au plus).
    #[cfg_attr(feature = "openapi", schema(examples("jeanne.martin@nouveau.fr", "06 12 34 56 78"), max_length = 254))]
    pub value: String,
}

/// Un changement de coordonnée qui attend son code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingContactChange {
    /// Le moyen changé.
    pub channel: Channel,
    /// La nouvelle coordonnée, masquée : là où le code a été envoyé.
    pub masked: String,
    /// Secondes avant que le code expire.
    pub expires_in_secs: u64,
}

/// `POST /v1/account/contacts/confirm` : le code reçu à la nouvelle coordonnée.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactConfirmRequest {
    /// Le moyen dont le changement est confirmé.
    pub channel: Channel,
    /// Les 6 chiffres reçus.
    #[cfg_attr(feature = "openapi", schema(value_type = String, examples("123456")))]
    pub code: Secret,
}

/// Où une connexion a eu lieu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// Une borne d'agence (requête signée par une borne enrôlée).
    Kiosk,
    /// Un ordinateur (ou tout client non enrôlé).
    Computer,
}

/// Une connexion réussie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginEntry {
    /// Date et heure, en secondes Unix (UTC).
    pub at: i64,
    /// Borne ou ordinateur.
    pub place: Place,
    /// Pour une borne : son nom donné à l'enrôlement (« Agence de Nancy, borne 1 ») ; sinon `null`.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub device_name: Option<String>,
}

/// Ce qui est arrivé au compte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountEventKind {
    /// Mot de passe changé depuis l'espace (ou après un mot de passe temporaire).
    PasswordChanged,
    /// Mot de passe réinitialisé (lien ou code reçu par e-mail).
    PasswordReset,
    /// Compte bloqué après 3 mots de passe erronés.
    AccountBlocked,
    /// Compte bloqué par l'adhérent (« Ce n'est pas moi »).
    AccountBlockedByMember,
    /// Déblocage demandé (mot de passe temporaire par SMS ou lien par e-mail envoyé).
    UnlockRequested,
    /// Adresse e-mail changée.
    EmailChanged,
    /// Numéro de mobile changé.
    MobileChanged,
    /// Les autres appareils ont été déconnectés.
    OtherSessionsEnded,
}

/// Un événement du compte, tiré du journal d'audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountEvent {
    /// Identifiant de l'événement (pour `POST /v1/account/block`).
    pub id: i64,
    /// Date et heure, en secondes Unix (UTC).
    pub at: i64,
    /// Ce qui est arrivé.
    pub kind: AccountEventKind,
    /// Vrai quand « Ce n'est pas moi » s'applique (un changement que
    /// l'adhérent peut ne pas avoir fait).
    pub disownable: bool,
}

/// `GET /v1/account/activity` : les dernières connexions et les événements
/// du compte, du plus récent au plus ancien (20 au plus chacun). Jamais un
/// secret, jamais les données d'un autre adhérent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    /// Les dernières connexions réussies.
    pub logins: Vec<LoginEntry>,
    /// Les événements du compte.
    pub events: Vec<AccountEvent>,
}

/// Une session ouverte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionEntry {
    /// Identifiant public de la session (jamais le jeton ni son empreinte).
    pub id: String,
    /// Ouverte à (secondes Unix, UTC).
    pub created_at: i64,
    /// Borne ou ordinateur.
    pub place: Place,
    /// Pour une borne : son nom ; sinon `null`.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub device_name: Option<String>,
    /// Vrai pour la session qui fait la requête.
    pub current: bool,
}

/// `GET /v1/account/sessions` : les sessions ouvertes (non expirées, non
/// révoquées), la plus récente d'abord.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sessions {
    /// Les sessions ouvertes, dont celle-ci (`current`).
    pub sessions: Vec<SessionEntry>,
}

/// Réponse de `POST /v1/account/sessions/end-others` (« Déconnecter les
/// autres appareils ») : combien de sessions ont été fermées.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndedSessions {
    /// Sessions fermées (toutes sauf celle qui fait la requête).
    pub ended: u32,
}

/// `POST /v1/account/block` (« Ce n'est pas moi ») : bloque le compte tout
/// de suite et ferme toutes ses sessions, celle-ci comprise ; l'adhérent
/// choisit ensuite un nouveau mot de passe par « Mot de passe oublié ».
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BlockRequest {
    /// L'événement que l'adhérent ne reconnaît pas, s'il vient de la liste
    /// (il est cité dans le journal d'audit).
    #[serde(default)]
    pub event_id: Option<i64>,
}
