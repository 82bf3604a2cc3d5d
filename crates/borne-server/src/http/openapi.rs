//! The API's OpenAPI 3.1 contract, generated from the code: each handler's
//! `#[utoipa::path]` (route, summary, answers, with the codes of its error
//! answers: [`errors!`]), the wire types of `borne_api` (which derive
//! `utoipa::ToSchema` with its `openapi` feature), and here what every
//! operation shares: info, tags, security schemes, the 429 and 500 answers,
//! and the HTTP status of each `ErrorCode` (from [`super::error::status_of`]).
//!
//! `GET /openapi.json` serves [`document`]. `openapi.json` beside the crate's
//! `Cargo.toml` is a committed copy for readers and client authors;
//! `tests/openapi.rs` fails when it differs from [`document`], and
//! `BORNE_UPDATE_OPENAPI=1 cargo test -p borne-server --test openapi` rewrites it.

use super::error::status_of;
use axum::http::header;
use axum::response::IntoResponse;
use borne_api::openapi::PasswordRule;
use borne_api::{ApiError, ErrorCode};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{AllOf, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::OpenApi;

/// The error answers of one operation, for its `#[utoipa::path(responses(…))]`:
/// each status with its description and the codes its `ApiError` may carry.
/// The 429 and 500 answers every route may give are added.
///
/// ```ignore
/// errors!(LoginErrors {
///     400 "Saisie invalide." [IdentifierMissing, NirKey, BadRequest],
///     423 "Compte bloqué." [AccountBlocked],
/// });
/// ```
macro_rules! errors {
    ($name:ident { $($status:literal $description:literal [$($code:ident),* $(,)?]),* $(,)? }) => {
        /// The error answers of one operation (OpenAPI document only).
        pub(crate) struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::response::Response>> {
                #[allow(unused_imports)]
                use borne_api::ErrorCode::*;
                $crate::http::openapi::error_responses(&[$(($status, $description, &[$($code),*])),*])
            }
        }
    };
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Borne Adhérent — API du serveur de référence",
        description = DESCRIPTION,
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "Connexion", description = "Connexion, session, déconnexion."),
        (name = "Mot de passe", description = "Mot de passe oublié, codes reçus par e-mail, nouveau mot de passe."),
        (name = "Déblocage", description = "Déblocage d'un compte bloqué après trois échecs (guide MGEN)."),
        (name = "Inscription", description = "« Pas encore inscrit ? »"),
        (name = "Espace", description = "L'espace de l'adhérent connecté : coordonnées, sécurité du compte, sessions, « Ce n'est pas moi »."),
        (name = "Bornes", description = "Enrôlement et suivi des bornes."),
        (name = "Exploitation", description = "Sondes, contrat, démonstration."),
        (name = "Pages", description = "Les pages web où mènent les liens des e-mails (HTML, pour le navigateur de l'adhérent, sur l'adresse publique `public_url`). Budget par adresse dépassé : 429 avec `Retry-After` et le même message, en page HTML plutôt qu'en `ApiError`."),
    ),
    paths(dev_outbox),
    components(schemas(ApiError, ErrorCode, PasswordRule)),
)]
pub(super) struct ApiDoc;

const DESCRIPTION: &str = "API JSON des bornes et de l'application Borne Adhérent : connexion, blocage après trois échecs, mot de passe oublié, déblocage, inscription, changement de mot de passe, suivi des bornes.\n\n- Corps des requêtes et des réponses en JSON (`Content-Type: application/json`), sauf `/healthz`, `/readyz` et `/metrics`.\n- Toute réponse d'erreur a pour corps un `ApiError` : `code` stable (voir `ErrorCode`) et `message` en français à montrer tel quel à l'adhérent.\n- Les corps de requête refusent les champs inconnus (400 `bad_request`).\n- Toute route peut répondre 429 `too_many_requests` avec un en-tête `Retry-After` (secondes).\n- Une route inexistante répond 404 (405 pour une mauvaise méthode) avec `code: bad_request`.\n- Ce document est produit par le code du serveur (`borne-server`, `utoipa`) à partir des types Rust de `borne_api` ; `crates/borne-server/tests/openapi.rs` vérifie que la copie `crates/borne-server/openapi.json` du dépôt est à jour et que les réponses du serveur lui sont conformes. Si le serveur exige la signature des bornes (`require_signature`), toute requête non signée hors sondes, document OpenAPI, inscription de borne et liste d'administration répond 401 `device_unauthorized`.";

/// `GET /dev/outbox`, served by [`crate::delivery::dev_router`] (demo mode
/// only, never by default), documented here with the API.
#[utoipa::path(
    get,
    path = "/dev/outbox",
    operation_id = "devOutbox",
    tag = "Exploitation",
    summary = "Messages envoyés (démonstration)",
    description = "Mode démonstration seulement (boîte d'envoi activée dans la configuration, jamais par défaut), et seulement depuis la boucle locale : les e-mails et SMS envoyés, en clair, pour la démonstration et les tests de bout en bout. Partout ailleurs : 404, comme une route inexistante.",
    responses((status = 200, description = "Les 200 derniers messages envoyés, du plus ancien au plus récent.", body = Vec<crate::delivery::OutboxEntry>), DevOutboxErrors),
    extensions(("x-borne-demo-only" = json!(true))),
)]
#[allow(dead_code)]
fn dev_outbox() {}

errors!(DevOutboxErrors {
    404 "Hors mode démonstration ou hors boucle locale." [BadRequest],
});

errors!(OpenapiErrors {});

/// `GET /openapi.json`: [`document`], computed once.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    tag = "Exploitation",
    summary = "Ce document",
    description = "Le contrat OpenAPI de l'API, produit par le code du serveur ; identique au fichier `crates/borne-server/openapi.json` du dépôt.",
    responses((status = 200, description = "Ce document.", body = Object), OpenapiErrors),
)]
pub(super) async fn openapi() -> impl IntoResponse {
    static JSON: LazyLock<String> = LazyLock::new(document_json);
    ([(header::CONTENT_TYPE, "application/json")], JSON.as_str())
}

/// The document, from the routes of [`super::api_routes`] and [`ApiDoc`].
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = super::api_routes().into_openapi();
    let components = doc.components.get_or_insert_with(Default::default);
    components.responses.insert("TooManyRequests".into(), RefOr::T(too_many_requests()));
    components.responses.insert(
        "Unexpected".into(),
        RefOr::T(error_response("Erreur interne (`unexpected`).", &[ErrorCode::Unexpected])),
    );
    for (name, scheme) in security_schemes() {
        components.security_schemes.insert(name.into(), scheme);
    }
    if let Some(RefOr::T(Schema::Object(error_code))) = components.schemas.get_mut("ErrorCode") {
        error_code.description = Some(error_code_description());
    }
    if let Some(RefOr::T(Schema::Object(api_error))) = components.schemas.get_mut("ApiError") {
        api_error.examples = vec![api_error_example()];
    }
    doc
}

/// The example of `ApiError`: the answer to a wrong password with two tries
/// left, with the message `borne_content` gives members (French, the
/// default configuration's insurer).
fn api_error_example() -> serde_json::Value {
    let error = borne_core::BorneError::WrongPassword { attempts_left: 2 };
    let support = crate::ServerConfig::default().support;
    let message = borne_content::errors::message(&error, borne_core::Lang::Fr, &support);
    serde_json::to_value(ApiError::new(&error, message)).expect("an ApiError serializes")
}

/// [`document`] as served and committed: pretty JSON, one final newline.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().expect("the OpenAPI document serializes");
    json.push('\n');
    json
}

/// Called by [`errors!`].
pub(crate) fn error_responses(answers: &[(u16, &str, &[ErrorCode])]) -> BTreeMap<String, RefOr<Response>> {
    let mut responses: BTreeMap<String, RefOr<Response>> =
        answers.iter().map(|(status, description, codes)| (status.to_string(), RefOr::T(error_response(description, codes)))).collect();
    responses.insert("429".into(), RefOr::Ref(Ref::from_response_name("TooManyRequests")));
    responses.insert("500".into(), RefOr::Ref(Ref::from_response_name("Unexpected")));
    responses
}

fn wire_name(code: &ErrorCode) -> serde_json::Value {
    serde_json::to_value(code).expect("an ErrorCode serializes")
}

/// An `ApiError` whose `code` is one of `codes`.
fn error_response(description: &str, codes: &[ErrorCode]) -> Response {
    let code = ObjectBuilder::new().schema_type(SchemaType::AnyValue).enum_values(Some(codes.iter().map(wire_name)));
    let narrowed = ObjectBuilder::new().schema_type(SchemaType::AnyValue).property("code", code);
    let schema = AllOf::builder().item(Ref::from_schema_name("ApiError")).item(narrowed).build();
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Schema::AllOf(schema))).build())
        .build()
}

fn too_many_requests() -> Response {
    let mut response = error_response(
        "Trop de demandes (`too_many_requests`) : réessayer après le délai indiqué. Toute route peut répondre ainsi.",
        &[ErrorCode::TooManyRequests],
    );
    let seconds = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0));
    let mut header = utoipa::openapi::header::Header::new(seconds);
    header.description = Some("Délai avant de réessayer, en secondes.".into());
    response.headers.insert("Retry-After".into(), header);
    response
}

fn security_schemes() -> [(&'static str, SecurityScheme); 5] {
    let bearer = |description: &str| {
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(description)).build())
    };
    let header = |name: &str, description: &str| SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(name, description)));
    [
        ("sessionToken", bearer("Jeton de session reçu de `POST /v1/login` ou `POST /v1/password/change` : `Authorization: Bearer <token>`. Seule son empreinte SHA-256 est conservée par le serveur.")),
        ("adminToken", bearer("Jeton d'administration fixé dans la configuration du serveur, pour les routes `/v1/admin/…`.")),
        ("deviceId", header("X-Borne-Device", "Identifiant de la borne (`device_id` reçu à l'enrôlement).")),
        ("deviceTimestamp", header("X-Borne-Timestamp", "Horodatage de la requête, en secondes Unix ; refusé à plus de 5 minutes de l'heure du serveur.")),
        ("deviceSignature", header("X-Borne-Signature", "Signature de la requête, en hexadécimal minuscule : HMAC-SHA256(clé, MÉTHODE + \"\\n\" + CIBLE + \"\\n\" + HORODATAGE + \"\\n\" + hex(SHA-256(corps))), où la clé est les 32 octets que `device_key` décode (base64url) et CIBLE le chemin de la requête, avec sa chaîne de requête s'il y en a une (`/v1/devices/heartbeat`). Une signature déjà vue dans la fenêtre de 5 minutes est refusée : deux requêtes identiques dans la même seconde n'en font qu'une. Toute requête portant `X-Borne-Device` doit être correctement signée, quelle que soit la route.")),
    ]
}

/// Each code with the status it is answered with ([`status_of`]) and its meaning.
fn error_code_description() -> String {
    let mut text = String::from("Code stable d'une erreur, jamais réutilisé pour un autre sens (`borne_api::ErrorCode`). Statut HTTP et sens :\n");
    for code in ErrorCode::ALL {
        let error = ApiError { code, message: String::new(), attempts_left: None, retry_after_secs: None, rules: None }.into_error();
        let name = wire_name(&code);
        text.push_str(&format!("\n- `{}` ({}) : {}", name.as_str().unwrap_or_default(), status_of(&error).as_u16(), meaning(code)));
    }
    text
}

/// What a code means, in the API's language. Exhaustive: a new code does
/// not compile until it is described here.
fn meaning(code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
    IdentifierMissing => "Identifiant (NIR ou e-mail) absent.",
    NirLength => "Le NIR avec la clé ne compte pas 15 caractères.",
    NirCharacters => "Le NIR contient autre chose que des chiffres (hors 2A/2B).",
    NirFirstDigit => "Le NIR ne commence pas par 1 ou 2 (ni 3, 4, 7, 8 pour un numéro provisoire).",
    NirKey => "La clé du NIR ne correspond pas aux 13 premiers caractères.",
    EmailInvalid => "Adresse e-mail invalide.",
    PasswordMissing => "Mot de passe absent.",
    WrongPassword => "Mot de passe incorrect ; `attempts_left` dit combien d'essais restent avant le blocage.",
    UnknownProfile => "Ce profil est inconnu (exigé tel quel par les guides des mutuelles).",
    AccountBlocked => "Compte bloqué après trois échecs consécutifs : procédure de déblocage.",
    TooManyRequests => "Trop de demandes : réessayer après `retry_after_secs` secondes (en-tête `Retry-After`).",
    SessionExpired => "Jeton de session absent, inconnu, expiré ou révoqué.",
    BackendUnavailable => "Service indisponible (base de données injoignable).",
    BadRequest => "Demande mal formée : JSON invalide, mauvais type de contenu, champ inconnu ou manquant, valeur trop longue. Aussi le corps des réponses 404/405 d'une route inexistante.",
    BirthDateMissing => "Date de naissance absente.",
    BirthDateFormat => "Date de naissance hors du format jj/mm/aaaa.",
    BirthDateInvalid => "Date de naissance inexistante ou future.",
    BirthDateNirMismatch => "La date de naissance ne correspond pas à l'année et au mois portés par le NIR.",
    MemberNumberMissing => "Numéro interne (numéro d'adhérent) absent ou trop long.",
    PasswordPolicy => "Le nouveau mot de passe enfreint les règles listées dans `rules`.",
    PasswordsDiffer => "Le nouveau mot de passe et sa confirmation diffèrent.",
    CurrentPasswordWrong => "Mot de passe actuel incorrect (changement de mot de passe).",
    NotBlocked => "Le compte n'est pas bloqué : pas de déblocage à faire.",
    IdentityNotVerified => "NIR et date de naissance ne correspondent à aucun adhérent.",
    CodeInvalid => "Code (ou mot de passe temporaire) incorrect ; `attempts_left` dit combien d'essais restent.",
    CodeMissing => "Code absent.",
    CodeFormat => "Le code saisi ne compte pas que des chiffres.",
    CodeExpired => "Code, lien ou demande expiré, déjà utilisé ou saisi trop de fois.",
    NoContactChannel => "Ni portable ni e-mail connus : s'adresser à un conseiller.",
    ChannelUnavailable => "Ce moyen de réception n'existe pas pour ce compte.",
    PasswordChangeRequired => "Session ouverte avec un mot de passe temporaire : seul `POST /v1/password/change` est permis.",
    DeviceUnauthorized => "Borne inconnue, non enrôlée, ou signature invalide.",
    Unexpected => "Erreur interne (journalisée côté serveur sans donnée personnelle).",
    PhoneInvalid => "Le numéro saisi n'est pas un mobile français valide (métropole ou outre-mer).",
    ContactInUse => "Cette adresse e-mail est déjà celle d'un autre compte (dit seulement à la confirmation, une fois le code reçu à cette adresse).",
    ContactUnchanged => "La nouvelle coordonnée est celle déjà enregistrée.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each error answer a handler documents ([`errors!`]) is under the
    /// status the server answers its codes with ([`status_of`]); `bad_request`
    /// is also the body of a 404 (no such route) and of a 413 (signed body
    /// too large).
    #[test]
    fn documented_codes_are_under_their_status() {
        let doc = serde_json::to_value(document()).unwrap();
        let by_name: BTreeMap<String, ErrorCode> = ErrorCode::ALL.into_iter().map(|c| (wire_name(&c).as_str().unwrap().to_owned(), c)).collect();
        let mut problems = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for (status, response) in op["responses"].as_object().unwrap() {
                    let parts = response.pointer("/content/application~1json/schema/allOf").and_then(|p| p.as_array());
                    for name in parts.into_iter().flatten().filter_map(|p| p.pointer("/properties/code/enum")).flat_map(|e| e.as_array().unwrap()) {
                        let code = by_name[name.as_str().unwrap()];
                        let error = ApiError { code, message: String::new(), attempts_left: None, retry_after_secs: None, rules: None };
                        let expected = status_of(&error.into_error()).as_u16().to_string();
                        let exempt = code == ErrorCode::BadRequest && (status == "404" || status == "413");
                        if *status != expected && !exempt {
                            problems.push(format!("{method} {path}: {name} documented under {status}, answered {expected}"));
                        }
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
