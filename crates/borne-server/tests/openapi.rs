//! The committed OpenAPI document (`openapi.json`) against the code it
//! describes: its own structure, the wire types of `borne_api` (both
//! ways), `borne_core::ErrorCode`, and a running server's routes and answers.
//! A change on either side that is not made on the other fails here.

mod contract;

use borne_api::*;
use borne_core::password::Rule;
use borne_core::support::Support;
use borne_api::ErrorCode;
use borne_core::{BorneError, Lang, Secret};
use borne_server::delivery::OutboxEntry;
use contract::{
    check_answer, component_schema_ref, demo_member, deref, document, operation, operations, resolve, violations, Server, WireAnswer,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

// ---- the document on its own ----------------------------------------------

fn walk<'a>(value: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
    out.push((at.clone(), value));
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| walk(v, format!("{at}/{k}"), out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| walk(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn all_nodes(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    walk(doc, String::new(), &mut out);
    out
}

#[test]
fn document_is_openapi_3_1_and_every_reference_resolves() {
    let doc = document();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1.")), "openapi must be 3.1.x");
    assert!(doc["info"]["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"), "info.version follows the server's version");

    let mut problems = Vec::new();
    let mut referenced = BTreeSet::new();
    for (at, node) in all_nodes(&doc) {
        if let Some(r) = node.get("$ref") {
            match r.as_str() {
                Some(r) if r.starts_with("#/") && resolve(&doc, r).is_some() => {
                    referenced.insert(r.to_owned());
                }
                _ => problems.push(format!("{at}: $ref {r} does not resolve in the document")),
            }
        }
    }

    let schemes = doc["components"]["securitySchemes"].as_object().expect("securitySchemes");
    let tags: BTreeSet<&str> = doc["tags"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()).collect();
    let mut ids = BTreeSet::new();
    for op in operations(&doc) {
        let name = op.name();
        match op.op["operationId"].as_str() {
            Some(id) if ids.insert(id.to_owned()) => {}
            other => problems.push(format!("{name}: operationId {other:?} missing or not unique")),
        }
        for tag in op.op["tags"].as_array().into_iter().flatten() {
            if !tag.as_str().is_some_and(|t| tags.contains(t)) {
                problems.push(format!("{name}: tag {tag} not declared"));
            }
        }
        for scheme in op.schemes(&doc) {
            if !schemes.contains_key(&scheme) {
                problems.push(format!("{name}: security scheme {scheme} not declared"));
            }
        }
        let responses = op.op["responses"].as_object().filter(|r| !r.is_empty());
        let Some(responses) = responses else {
            problems.push(format!("{name}: no responses"));
            continue;
        };
        for (status, response) in responses {
            if !(status.len() == 3 && status.parse::<u16>().is_ok_and(|s| (100..600).contains(&s))) {
                problems.push(format!("{name}: response key {status} is not an HTTP status"));
            }
            if !deref(&doc, response)["description"].is_string() {
                problems.push(format!("{name} {status}: response without description"));
            }
        }
        if let Some(body) = op.op.get("requestBody") {
            if op.request_schema_name().is_none() || body["required"] != true {
                problems.push(format!("{name}: a request body must be a required application/json component schema"));
            }
        }
    }

    for (name, schema) in doc["components"]["schemas"].as_object().expect("components.schemas") {
        if !jsonschema::draft202012::meta::is_valid(schema) {
            problems.push(format!("schema {name} is not a valid draft 2020-12 schema"));
        }
        if !referenced.contains(&format!("#/components/schemas/{name}")) {
            problems.push(format!("schema {name} is referenced nowhere"));
        }
    }
    for name in doc["components"]["responses"].as_object().expect("components.responses").keys() {
        if !referenced.contains(&format!("#/components/responses/{name}")) {
            problems.push(format!("response {name} is referenced nowhere"));
        }
    }
    assert!(problems.is_empty(), "openapi.json:\n{}", problems.join("\n"));
}

// ---- the wire types -----------------------------------------------------------

/// Every variant, through an exhaustive match: a new `BorneError` does not
/// compile until it is added here (and so gets its sample `ApiError`).
fn every_borne_error() -> Vec<BorneError> {
    use BorneError::*;
    let all = vec![
        IdentifierMissing,
        NirLength { typed: 12 },
        NirCharacters,
        NirFirstDigit,
        NirKey,
        EmailInvalid,
        PasswordMissing,
        WrongPassword { attempts_left: 2 },
        WrongPassword { attempts_left: 0 },
        UnknownProfile,
        AccountBlocked,
        TooManyRequests { retry_after_secs: 30 },
        SessionExpired,
        BackendUnavailable,
        BadRequest,
        BirthDateMissing,
        BirthDateFormat,
        BirthDateInvalid,
        BirthDateNirMismatch,
        MemberNumberMissing,
        PasswordPolicy { broken: vec![Rule::MinLength, Rule::NoPersonalInfo] },
        PasswordPolicy { broken: vec![] },
        PasswordsDiffer,
        CurrentPasswordWrong,
        NotBlocked,
        IdentityNotVerified,
        CodeInvalid { attempts_left: 4 },
        CodeMissing,
        CodeFormat,
        CodeExpired,
        NoContactChannel,
        ChannelUnavailable,
        PasswordChangeRequired,
        DeviceUnauthorized,
        Unexpected,
    ];
    for e in &all {
        match e {
            IdentifierMissing | NirLength { .. } | NirCharacters | NirFirstDigit | NirKey | EmailInvalid | PasswordMissing
            | WrongPassword { .. } | UnknownProfile | AccountBlocked | TooManyRequests { .. } | SessionExpired
            | BackendUnavailable | BadRequest | BirthDateMissing | BirthDateFormat | BirthDateInvalid
            | BirthDateNirMismatch | MemberNumberMissing | PasswordPolicy { .. } | PasswordsDiffer
            | CurrentPasswordWrong | NotBlocked | IdentityNotVerified | CodeInvalid { .. } | CodeMissing | CodeFormat | CodeExpired
            | NoContactChannel | ChannelUnavailable | PasswordChangeRequired | DeviceUnauthorized | Unexpected => {}
        }
    }
    all
}

/// Every `ErrorCode`, through an exhaustive match (a new variant does not
/// compile until it is listed here).
fn every_error_code() -> Vec<ErrorCode> {
    use ErrorCode::*;
    let all = vec![
        IdentifierMissing,
        NirLength,
        NirCharacters,
        NirFirstDigit,
        NirKey,
        EmailInvalid,
        PasswordMissing,
        WrongPassword,
        UnknownProfile,
        AccountBlocked,
        TooManyRequests,
        SessionExpired,
        BackendUnavailable,
        BadRequest,
        BirthDateMissing,
        BirthDateFormat,
        BirthDateInvalid,
        BirthDateNirMismatch,
        MemberNumberMissing,
        PasswordPolicy,
        PasswordsDiffer,
        CurrentPasswordWrong,
        NotBlocked,
        IdentityNotVerified,
        CodeInvalid,
        CodeMissing,
        CodeFormat,
        CodeExpired,
        NoContactChannel,
        ChannelUnavailable,
        PasswordChangeRequired,
        DeviceUnauthorized,
        Unexpected,
    ];
    for c in &all {
        match c {
            IdentifierMissing | NirLength | NirCharacters | NirFirstDigit | NirKey | EmailInvalid | PasswordMissing
            | WrongPassword | UnknownProfile | AccountBlocked | TooManyRequests | SessionExpired | BackendUnavailable
            | BadRequest | BirthDateMissing | BirthDateFormat | BirthDateInvalid | BirthDateNirMismatch
            | MemberNumberMissing | PasswordPolicy | PasswordsDiffer | CurrentPasswordWrong | NotBlocked
            | IdentityNotVerified | CodeInvalid | CodeMissing | CodeFormat | CodeExpired | NoContactChannel | ChannelUnavailable
            | PasswordChangeRequired | DeviceUnauthorized | Unexpected => {}
        }
    }
    all
}

fn every_rule() -> Vec<Rule> {
    use Rule::*;
    let all = vec![MinLength, MaxLength, Uppercase, Lowercase, Digit, NotCommon, NoPersonalInfo];
    for r in &all {
        match r {
            MinLength | MaxLength | Uppercase | Lowercase | Digit | NotCommon | NoPersonalInfo => {}
        }
    }
    all
}

fn every_purpose() -> Vec<Purpose> {
    let all = vec![Purpose::Reset, Purpose::Unlock, Purpose::Registration];
    for p in &all {
        match p {
            Purpose::Reset | Purpose::Unlock | Purpose::Registration => {}
        }
    }
    all
}

fn every_channel() -> Vec<Channel> {
    let all = vec![Channel::Sms, Channel::Email];
    for c in &all {
        match c {
            Channel::Sms | Channel::Email => {}
        }
    }
    all
}

/// The names serde itself knows for an enum's variants, read from its
/// "unknown variant …, expected one of …" refusal: independent of the lists
/// above, so a variant missing there is still seen.
fn serde_variant_names<T: DeserializeOwned + std::fmt::Debug>() -> BTreeSet<String> {
    let err = serde_json::from_value::<T>(json!("__no_such_variant__")).expect_err("a made-up variant is refused");
    let text = err.to_string();
    // "expected `a`", "expected `a` or `b`", "expected one of `a`, `b`, `c`".
    let list = text.split_once(", expected ").map(|(_, l)| l).unwrap_or_else(|| panic!("unexpected serde message: {text}"));
    list.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// One wire type: its schema's name, serialized samples covering every field
/// and variant, and its deserializer.
struct Wire {
    schema: &'static str,
    samples: Vec<Value>,
    parses: fn(&Value) -> Result<(), String>,
}

fn parses<T: DeserializeOwned>(v: &Value) -> Result<(), String> {
    serde_json::from_value::<T>(v.clone()).map(drop).map_err(|e| e.to_string())
}

fn ser<T: Serialize>(items: impl IntoIterator<Item = T>) -> Vec<Value> {
    items.into_iter().map(|t| serde_json::to_value(t).expect("serializes")).collect()
}

fn wire<T: DeserializeOwned + Serialize>(schema: &'static str, samples: Vec<T>) -> Wire {
    Wire { schema, samples: ser(samples), parses: parses::<T> }
}

fn member() -> MemberSummary {
    MemberSummary { first_name: "Jeanne".into(), last_name: "Martin".into() }
}

fn sms() -> ChannelOption {
    ChannelOption { channel: Channel::Sms, masked: "06 •• •• •• 78".into() }
}

fn email() -> ChannelOption {
    ChannelOption { channel: Channel::Email, masked: "j•••@exemple.fr".into() }
}

fn wire_types() -> Vec<Wire> {
    let support = Support::default();
    vec![
        wire("ErrorCode", every_error_code()),
        wire("Rule", every_rule()),
        wire("Purpose", every_purpose()),
        wire("Channel", every_channel()),
        wire("ApiError", every_borne_error().iter().map(|e| ApiError::new(e, borne_content::errors::message_fr(e, &support))).collect()),
        wire(
            "LoginRequest",
            vec![
                LoginRequest { identifier: "278036912304534".into(), password: Secret::new("Mutuelle2024") },
                LoginRequest { identifier: "jeanne.martin@exemple.fr".into(), password: Secret::new("x") },
            ],
        ),
        wire(
            "LoginResponse",
            [false, true]
                .map(|must_change_password| LoginResponse {
                    token: Secret::new("k3Jz9Q"),
                    expires_in_secs: 1800,
                    member: member(),
                    must_change_password,
                })
                .into(),
        ),
        wire("MemberSummary", vec![member()]),
        wire(
            "ForgotPasswordRequest",
            vec![ForgotPasswordRequest {
                identifier: "2 78 03 69 123 045 34".into(),
                member_number: "MPN-000123".into(),
                email: "jeanne.martin@exemple.fr".into(),
            }],
        ),
        wire("Accepted", vec![Accepted { message: borne_content::accepted::forgot_password(Lang::Fr) }, Accepted { message: borne_content::accepted::registration(Lang::Fr) }]),
        wire(
            "VerifyCodeRequest",
            every_purpose()
                .into_iter()
                .map(|purpose| VerifyCodeRequest { purpose, identifier: "278036912304534".into(), code: Secret::new("042917") })
                .collect(),
        ),
        wire("TokenResponse", vec![TokenResponse { token: Secret::new("t0k3n"), expires_in_secs: 1800 }]),
        wire(
            "ResetPasswordRequest",
            vec![ResetPasswordRequest {
                token: Secret::new("t0k3n"),
                new_password: Secret::new("Nouveau2025x"),
                new_password_confirmation: Secret::new("Nouveau2025x"),
            }],
        ),
        wire("UnlockRequest", vec![UnlockRequest { nir: "278036912304534".into(), birthdate: "15/03/1978".into() }]),
        wire("ChannelOption", vec![sms(), email()]),
        wire(
            "UnlockResponse",
            vec![
                UnlockResponse { unlock_id: "u1".into(), channels: vec![sms(), email()], sent: None },
                UnlockResponse { unlock_id: "u2".into(), channels: vec![email()], sent: Some(email()) },
            ],
        ),
        wire(
            "UnlockSendRequest",
            every_channel().into_iter().map(|channel| UnlockSendRequest { unlock_id: "u1".into(), channel }).collect(),
        ),
        wire(
            "ChangePasswordRequest",
            vec![
                ChangePasswordRequest {
                    current_password: Some(Secret::new("Mutuelle2024")),
                    new_password: Secret::new("Nouveau2025x"),
                    new_password_confirmation: Secret::new("Nouveau2025x"),
                },
                ChangePasswordRequest {
                    current_password: None,
                    new_password: Secret::new("Nouveau2025x"),
                    new_password_confirmation: Secret::new("Nouveau2025x"),
                },
            ],
        ),
        wire(
            "RegisterRequest",
            vec![RegisterRequest {
                nir: "278036912304534".into(),
                member_number: "MPN-000123".into(),
                birthdate: "15/03/1978".into(),
                email: "jeanne.martin@exemple.fr".into(),
            }],
        ),
        wire("EnrolDeviceRequest", vec![EnrolDeviceRequest { enrolment_secret: Secret::new("s3cret"), name: "Agence de Lyon".into() }]),
        wire("EnrolDeviceResponse", vec![EnrolDeviceResponse { device_id: "d1".into(), device_key: Secret::new("k3y") }]),
        wire(
            "HeartbeatRequest",
            vec![
                HeartbeatRequest { version: "0.1.0".into(), healthy: true, detail: None },
                HeartbeatRequest { version: "0.1.0".into(), healthy: false, detail: Some("imprimante".into()) },
            ],
        ),
        wire(
            "OutboxEntry",
            vec![
                OutboxEntry {
                    id: 1,
                    channel: borne_server::delivery::Channel::Email,
                    kind: "reset_password".into(),
                    to: "jeanne.martin@exemple.fr".into(),
                    subject: Some("Réinitialisation de mot de passe".into()),
                    text: "Bonjour Jeanne, …".into(),
                    sent_at: "2025-01-01T10:00:00Z".into(),
                },
                OutboxEntry {
                    id: 2,
                    channel: borne_server::delivery::Channel::Sms,
                    kind: "unlock_temporary_password".into(),
                    to: "+33612345678".into(),
                    subject: None,
                    text: "Votre mot de passe temporaire : …".into(),
                    sent_at: "2025-01-01T10:01:00Z".into(),
                },
            ],
        ),
        wire(
            "DeviceStatus",
            vec![
                DeviceStatus {
                    device_id: "d1".into(),
                    name: "Agence de Lyon".into(),
                    version: None,
                    healthy: None,
                    detail: None,
                    enrolled_at: 1_700_000_000,
                    last_seen: None,
                },
                DeviceStatus {
                    device_id: "d1".into(),
                    name: "Agence de Lyon".into(),
                    version: Some("0.1.0".into()),
                    healthy: Some(true),
                    detail: Some("ok".into()),
                    enrolled_at: 1_700_000_000,
                    last_seen: Some(1_700_000_060),
                },
            ],
        ),
    ]
}

#[test]
fn every_component_schema_has_its_rust_type() {
    let doc = document();
    let documented: BTreeSet<String> = doc["components"]["schemas"].as_object().unwrap().keys().cloned().collect();
    let typed: BTreeSet<String> = wire_types().iter().map(|w| w.schema.to_owned()).collect();
    assert_eq!(documented, typed, "component schemas and the borne_api types sampled here differ");
}

#[test]
fn serialized_wire_types_match_their_schemas() {
    let doc = document();
    let mut problems = Vec::new();
    for w in wire_types() {
        for sample in &w.samples {
            for v in violations(&doc, &component_schema_ref(w.schema), sample) {
                problems.push(format!("{} {sample}: {v}", w.schema));
            }
            if let Err(e) = (w.parses)(sample) {
                problems.push(format!("{} {sample}: does not deserialize back: {e}", w.schema));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The schema names used as request bodies in the document.
fn request_schemas(doc: &Value) -> BTreeSet<String> {
    operations(doc).iter().filter_map(|o| o.request_schema_name()).collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
}

fn without(v: &Value, key: &str) -> Value {
    let mut o = v.as_object().cloned().unwrap_or_default();
    o.remove(key);
    Value::Object(o)
}

fn string_set(v: &Value) -> BTreeSet<String> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
}

/// The reverse direction: what the schemas say of properties, `required` and
/// unknown fields is what the Rust types do.
#[test]
fn schemas_say_what_the_rust_types_do() {
    let doc = document();
    let requests = request_schemas(&doc);
    let mut problems = Vec::new();
    for w in wire_types() {
        let schema = &doc["components"]["schemas"][w.schema];
        if schema["type"] != "object" {
            // Enums: the document's values are exactly serde's variant names.
            let documented = string_set(&schema["enum"]);
            let serialized: BTreeSet<String> = w.samples.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            if documented != serialized {
                problems.push(format!("{}: enum {documented:?} but the Rust type has {serialized:?}", w.schema));
            }
            continue;
        }
        let properties = keys(&schema["properties"]);
        let required = string_set(&schema["required"]);
        let union: BTreeSet<String> = w.samples.iter().flat_map(keys).collect();
        if properties != union {
            problems.push(format!("{}: properties {properties:?} but the type serializes {union:?}", w.schema));
        }
        if !required.is_subset(&properties) {
            problems.push(format!("{}: required {required:?} not all among the properties", w.schema));
        }
        let sample = &w.samples[0];
        // Unknown fields: refused by the type ⇔ additionalProperties: false.
        let mut extra = sample.as_object().cloned().unwrap();
        extra.insert("x_unknown_field".into(), json!(1));
        let refuses_unknown = (w.parses)(&Value::Object(extra)).is_err();
        let closed = schema["additionalProperties"] == false;
        if refuses_unknown != closed {
            problems.push(format!(
                "{}: deny_unknown_fields is {refuses_unknown} but additionalProperties: false is {closed}",
                w.schema
            ));
        }
        if requests.contains(w.schema) && !closed {
            problems.push(format!("{}: a request body must refuse unknown fields", w.schema));
        }
        for p in &properties {
            let full = w.samples.iter().find(|s| s.get(p).is_some()).unwrap_or(sample);
            let parses_without = (w.parses)(&without(full, p)).is_ok();
            if requests.contains(w.schema) {
                // What the server accepts is what the document allows.
                if parses_without == required.contains(p) {
                    problems.push(format!(
                        "{}.{p}: the server {} it, the document {} it",
                        w.schema,
                        if parses_without { "does not need" } else { "needs" },
                        if required.contains(p) { "requires" } else { "does not require" }
                    ));
                }
            } else {
                // What the server always sends is required; the client reads
                // every answer the document allows.
                let always_sent = w.samples.iter().all(|s| s.get(p).is_some());
                if always_sent != required.contains(p) {
                    problems.push(format!("{}.{p}: always sent is {always_sent}, required is {}", w.schema, required.contains(p)));
                }
                if !required.contains(p) && !parses_without {
                    problems.push(format!("{}.{p}: optional in the document, needed by the Rust type", w.schema));
                }
            }
        }
        // The validator is not vacuous: a sample without a required property fails.
        for p in &required {
            if violations(&doc, &component_schema_ref(w.schema), &without(sample, p)).is_empty() {
                problems.push(format!("{}: a sample without {p} still validates", w.schema));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---- error codes ----------------------------------------------------------------

/// The codes an error answer of the document may carry: `code.enum` in the
/// `allOf` of each documented error schema.
fn codes_by_status(doc: &Value) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let mut by_code: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for op in operations(doc) {
        for (status, response) in op.op["responses"].as_object().unwrap() {
            let schema = &deref(doc, response)["content"]["application/json"]["schema"];
            for part in schema["allOf"].as_array().into_iter().flatten() {
                for code in string_set(&part["properties"]["code"]["enum"]) {
                    by_code.entry(code).or_default().insert((status.clone(), op.name()));
                }
            }
        }
    }
    by_code
}

#[test]
fn error_codes_of_the_document_are_exactly_borne_core_codes() {
    let doc = document();
    let documented = string_set(&doc["components"]["schemas"]["ErrorCode"]["enum"]);
    let listed: BTreeSet<String> =
        every_error_code().iter().map(|c| serde_json::to_value(c).unwrap().as_str().unwrap().to_owned()).collect();
    let from_serde = serde_variant_names::<ErrorCode>();
    assert_eq!(listed, from_serde, "every_error_code() misses a variant");
    assert_eq!(documented, from_serde, "ErrorCode enum of openapi.json vs borne_core::ErrorCode");
    assert_eq!(string_set(&doc["components"]["schemas"]["Rule"]["enum"]), serde_variant_names::<Rule>());
    assert_eq!(string_set(&doc["components"]["schemas"]["Purpose"]["enum"]), serde_variant_names::<Purpose>());
    assert_eq!(string_set(&doc["components"]["schemas"]["Channel"]["enum"]), serde_variant_names::<Channel>());

    // Every code some answer documents is a real code, every real code is
    // documented on some answer, and a code has one status (except
    // bad_request: also the body of a 404 for a route that is not there, and
    // of a 413 for a signed body too large).
    let used = codes_by_status(&doc);
    let mut problems = Vec::new();
    for (code, places) in &used {
        if !from_serde.contains(code) {
            problems.push(format!("{code} is not a borne_core::ErrorCode ({places:?})"));
        }
        let statuses: BTreeSet<&String> = places.iter().map(|(s, _)| s).collect();
        if statuses.len() > 1 && code != "bad_request" {
            problems.push(format!("{code} documented under several statuses: {places:?}"));
        }
    }
    for code in &from_serde {
        if !used.contains_key(code) {
            problems.push(format!("{code} is documented on no answer"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---- the running server -----------------------------------------------------------

#[tokio::test]
async fn unknown_routes_get_the_router_fallback() {
    let server = Server::start().await;
    let unknown = server.exchange("get", "/v1/no-such-route", None, None).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.is_router_fallback(), "{unknown:?}");
    let wrong_method = server.exchange("delete", "/v1/login", None, None).await;
    assert_eq!(wrong_method.status, 405);
    assert!(wrong_method.is_router_fallback(), "{wrong_method:?}");
}

/// Every documented method and path is routed (its answer is not the
/// router's fallback), and its answer to a minimal request is one the
/// document gives for it.
#[tokio::test]
async fn every_documented_operation_is_served_as_documented() {
    let server = Server::start().await;
    let doc = document();
    let mut problems = Vec::new();
    for op in operations(&doc) {
        let body = op.op.get("requestBody").map(|_| json!({}));
        let answer = server.exchange(&op.method, &op.path, None, body).await;
        if answer.is_router_fallback() && !op.is_demo_only() {
            problems.push(format!("{}: not routed (answered the fallback {} {})", op.name(), answer.status, answer.text));
            continue;
        }
        if let Err(e) = check_answer(&doc, &op, &answer) {
            problems.push(e);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `GET /openapi.json` serves the committed file, byte for byte.
#[tokio::test]
async fn the_served_document_is_the_committed_file() {
    let server = Server::start().await;
    let answer = server.exchange("get", "/openapi.json", None, None).await;
    // Fails until `GET /openapi.json` is routed to `http::openapi::openapi`
    // (see the report of the task that added this file).
    assert_eq!(answer.status, 200, "GET /openapi.json: {answer:?}");
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    assert!(answer.text == contract::DOCUMENT, "GET /openapi.json is not the committed openapi.json");
}

/// Real answers of the member procedures, checked against the document:
/// successes and refusals, with the bodies the server actually builds.
#[tokio::test]
async fn live_answers_match_the_documented_schemas() {
    let server = Server::start().await;
    let doc = document();
    let jeanne = demo_member("Martin");
    let paul = demo_member("Durand");
    let mut problems = Vec::new();
    let mut expect = |method: &str, path: &str, answer: &WireAnswer, status: u16| {
        let op = operation(&doc, method, path);
        if answer.status != status {
            problems.push(format!("{}: expected {status}, got {} {}", op.name(), answer.status, answer.text));
        } else if let Err(e) = check_answer(&doc, &op, answer) {
            problems.push(e);
        }
    };
    let login = |id: &str, pw: &str| json!({ "identifier": id, "password": pw });

    // Log-in, session, change of password, log-out.
    let ok = server.exchange("post", "/v1/login", None, Some(login(&jeanne.email, jeanne.password.expose()))).await;
    expect("post", "/v1/login", &ok, 200);
    let token = ok.json().and_then(|b| b["token"].as_str().map(str::to_owned)).unwrap_or_default();
    let a = server.exchange("get", "/v1/session", Some(&token), None).await;
    expect("get", "/v1/session", &a, 200);
    let change = |current: &str, new: &str| json!({ "current_password": current, "new_password": new, "new_password_confirmation": new });
    let a = server.exchange("post", "/v1/password/change", Some(&token), Some(change("PasLeBon2024", "Nouveau2025x"))).await;
    expect("post", "/v1/password/change", &a, 401);
    let a = server.exchange("post", "/v1/password/change", Some(&token), Some(change(jeanne.password.expose(), "court"))).await;
    expect("post", "/v1/password/change", &a, 422);
    let a = server.exchange("post", "/v1/logout", Some(&token), None).await;
    expect("post", "/v1/logout", &a, 204);
    let a = server.exchange("get", "/v1/session", Some(&token), None).await;
    expect("get", "/v1/session", &a, 401);

    // Refused log-ins, up to the block.
    let a = server.exchange("post", "/v1/login", None, Some(login("2780369", "x"))).await;
    expect("post", "/v1/login", &a, 400);
    let a = server.exchange("post", "/v1/login", None, Some(login("personne@exemple.fr", "Inconnu2024"))).await;
    expect("post", "/v1/login", &a, 404);
    for _ in 0..2 {
        let a = server.exchange("post", "/v1/login", None, Some(login(&paul.email, "PasLeBon2024"))).await;
        expect("post", "/v1/login", &a, 401);
    }
    let a = server.exchange("post", "/v1/login", None, Some(login(&paul.email, "PasLeBon2024"))).await;
    expect("post", "/v1/login", &a, 423);

    // Forgotten password, codes, reset, registration.
    let forgot = |member_number: &str| json!({ "identifier": jeanne.nir, "member_number": member_number, "email": jeanne.email });
    let a = server.exchange("post", "/v1/password/forgot", None, Some(forgot(&jeanne.member_number))).await;
    expect("post", "/v1/password/forgot", &a, 202);
    let a = server.exchange("post", "/v1/password/forgot", None, Some(forgot(" "))).await;
    expect("post", "/v1/password/forgot", &a, 400);
    // An identifier of nobody: wrong codes, then out of tries, as for a member.
    let verify = json!({ "purpose": "reset", "identifier": "personne@exemple.fr", "code": "123456" });
    for _ in 0..5 {
        let a = server.exchange("post", "/v1/codes/verify", None, Some(verify.clone())).await;
        expect("post", "/v1/codes/verify", &a, 401);
    }
    let a = server.exchange("post", "/v1/codes/verify", None, Some(verify)).await;
    expect("post", "/v1/codes/verify", &a, 410);
    let reset = json!({ "token": "inconnu", "new_password": "Nouveau2025x", "new_password_confirmation": "Nouveau2025x" });
    let a = server.exchange("post", "/v1/password/reset", None, Some(reset)).await;
    expect("post", "/v1/password/reset", &a, 410);
    let register =
        json!({ "nir": jeanne.nir, "member_number": jeanne.member_number, "birthdate": jeanne.birthdate, "email": jeanne.email });
    let a = server.exchange("post", "/v1/register", None, Some(register)).await;
    expect("post", "/v1/register", &a, 202);

    // Unlock: Jeanne is not blocked, Paul is (above), with an SMS and an e-mail channel.
    let unlock = |nir: &str, birthdate: &str| json!({ "nir": nir, "birthdate": birthdate });
    let a = server.exchange("post", "/v1/unlock", None, Some(unlock(&jeanne.nir, &jeanne.birthdate))).await;
    expect("post", "/v1/unlock", &a, 409);
    let a = server.exchange("post", "/v1/unlock", None, Some(unlock(&jeanne.nir, "15/04/1978"))).await;
    expect("post", "/v1/unlock", &a, 400);
    let a = server.exchange("post", "/v1/unlock", None, Some(unlock(&paul.nir, &paul.birthdate))).await;
    expect("post", "/v1/unlock", &a, 200);
    let unlock_id = a.json().and_then(|b| b["unlock_id"].as_str().map(str::to_owned)).unwrap_or_default();
    let a = server.exchange("post", "/v1/unlock/send", None, Some(json!({ "unlock_id": unlock_id, "channel": "email" }))).await;
    expect("post", "/v1/unlock/send", &a, 200);
    let a = server.exchange("post", "/v1/unlock/send", None, Some(json!({ "unlock_id": "inconnu", "channel": "sms" }))).await;
    expect("post", "/v1/unlock/send", &a, 410);

    let a = server.exchange("get", "/healthz", None, None).await;
    expect("get", "/healthz", &a, 200);
    let a = server.exchange("get", "/readyz", None, None).await;
    expect("get", "/readyz", &a, 200);

    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
