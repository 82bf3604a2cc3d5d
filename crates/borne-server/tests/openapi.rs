//! The OpenAPI document the server generates (`#[utoipa::path]` on its
//! handlers, `utoipa::ToSchema` on the wire types of `borne_api`):
//! the committed copy `openapi.json` is the generated one, the server serves
//! it, and the server's real answers are what it documents.
//!
//! When the API changes, regenerate the committed copy with
//! `BORNE_UPDATE_OPENAPI=1 cargo test -p borne-server --test openapi`.

mod contract;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use contract::{check_answer, demo_member, document, operation, operations, Server, WireAnswer, COMMITTED};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use tower::ServiceExt;

/// The committed `openapi.json` is what the code generates. With
/// `BORNE_UPDATE_OPENAPI=1`, rewrites it instead.
#[test]
fn committed_document_is_the_generated_one() {
    let generated = borne_server::openapi_json();
    if std::env::var_os("BORNE_UPDATE_OPENAPI").is_some_and(|v| v == "1") {
        std::fs::write(COMMITTED, &generated).expect("openapi.json written");
        return;
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    if committed != generated {
        let line = committed.lines().zip(generated.lines()).position(|(a, b)| a != b).map_or(committed.lines().count().min(generated.lines().count()), |i| i) + 1;
        panic!(
            "crates/borne-server/openapi.json is not the document the code generates (first difference at line {line}).\n\
             Regenerate it with: BORNE_UPDATE_OPENAPI=1 cargo test -p borne-server --test openapi committed_document"
        );
    }
}

/// The document holds together: every `$ref` resolves, every component
/// schema compiles as draft 2020-12, every operation has a unique id and
/// declared tags and security schemes, every error code is on some answer.
#[test]
fn generated_document_is_consistent() {
    let doc = document();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1.")), "openapi must be 3.1.x");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let mut problems = Vec::new();
    let mut pending = vec![(String::new(), &doc)];
    while let Some((at, node)) = pending.pop() {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            if contract::resolve(&doc, r).is_none() {
                problems.push(format!("{at}: $ref {r} does not resolve"));
            }
        }
        match node {
            Value::Object(map) => pending.extend(map.iter().map(|(k, v)| (format!("{at}/{k}"), v))),
            Value::Array(items) => pending.extend(items.iter().enumerate().map(|(i, v)| (format!("{at}/{i}"), v))),
            _ => {}
        }
    }
    for (name, schema) in doc["components"]["schemas"].as_object().expect("components.schemas") {
        if !jsonschema::draft202012::meta::is_valid(schema) {
            problems.push(format!("schema {name} is not a valid draft 2020-12 schema"));
        }
    }
    let schemes = doc["components"]["securitySchemes"].as_object().expect("securitySchemes");
    let tags: BTreeSet<&str> = doc["tags"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()).collect();
    let mut ids = BTreeSet::new();
    let mut codes = BTreeSet::new();
    for op in operations(&doc) {
        if !op.op["operationId"].as_str().is_some_and(|id| ids.insert(id.to_owned())) {
            problems.push(format!("{}: operationId missing or not unique", op.name()));
        }
        for tag in op.op["tags"].as_array().into_iter().flatten() {
            if !tag.as_str().is_some_and(|t| tags.contains(t)) {
                problems.push(format!("{}: tag {tag} not declared", op.name()));
            }
        }
        for scheme in op.schemes(&doc) {
            if !schemes.contains_key(&scheme) {
                problems.push(format!("{}: security scheme {scheme} not declared", op.name()));
            }
        }
        for response in op.op["responses"].as_object().into_iter().flat_map(|r| r.values()) {
            let schema = &contract::deref(&doc, response)["content"]["application/json"]["schema"];
            for part in schema["allOf"].as_array().into_iter().flatten() {
                let names = part["properties"]["code"]["enum"].as_array().into_iter().flatten().filter_map(Value::as_str);
                codes.extend(names.map(str::to_owned));
            }
        }
    }
    let enum_values = doc["components"]["schemas"]["ErrorCode"]["enum"].as_array().expect("ErrorCode enum");
    let all: BTreeSet<String> = enum_values.iter().filter_map(Value::as_str).map(str::to_owned).collect();
    assert_eq!(all.len(), borne_api::ErrorCode::ALL.len());
    for code in all.difference(&codes) {
        problems.push(format!("error code {code} is documented on no answer"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every schema, every property, every request body and every response
/// says what it is, in the document's language (French, like the messages
/// members read: ARCHITECTURE.md, "The API contract").
#[test]
fn every_schema_request_body_and_response_is_described() {
    let doc = document();
    let described = |v: &Value| v["description"].as_str().is_some_and(|d| !d.trim().is_empty());
    let mut problems = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().expect("components.schemas") {
        if !described(schema) {
            problems.push(format!("schema {name}: no description"));
        }
        for (property, value) in schema["properties"].as_object().into_iter().flatten() {
            // utoipa writes an optional reference as `oneOf: [null, {$ref, description}]`.
            let parts = value["oneOf"].as_array().into_iter().flatten();
            if !described(value) && !parts.into_iter().any(described) {
                problems.push(format!("schema {name}, property {property}: no description"));
            }
        }
    }
    for (name, response) in doc["components"]["responses"].as_object().into_iter().flatten() {
        if !described(response) {
            problems.push(format!("response {name}: no description"));
        }
    }
    for op in operations(&doc) {
        if let Some(body) = op.op.get("requestBody") {
            if !described(body) {
                problems.push(format!("{}: request body without a description", op.name()));
            }
        }
        for (status, response) in op.op["responses"].as_object().into_iter().flatten() {
            if !described(contract::deref(&doc, response)) {
                problems.push(format!("{} {status}: no description", op.name()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every example the document gives (of a schema or of a property) matches
/// that schema, and `ApiError`'s is a real answer: a code the server sends,
/// with the message `borne_content` gives members for it.
#[test]
fn the_documents_examples_match_their_schemas() {
    let doc = document();
    let mut problems = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().expect("components.schemas") {
        let mut examples: Vec<(String, &Value, &Value)> =
            schema["examples"].as_array().into_iter().flatten().map(|e| (name.clone(), schema, e)).collect();
        for (property, value) in schema["properties"].as_object().into_iter().flatten() {
            examples.extend(value["examples"].as_array().into_iter().flatten().map(|e| (format!("{name}.{property}"), value, e)));
        }
        for (at, schema, example) in examples {
            for v in contract::violations(&doc, schema, example) {
                problems.push(format!("example {example} of {at}: {v}"));
            }
        }
    }
    let examples = doc["components"]["schemas"]["ApiError"]["examples"].as_array().cloned().unwrap_or_default();
    assert!(!examples.is_empty(), "ApiError has no example");
    for example in examples {
        let error: borne_api::ApiError = serde_json::from_value(example.clone()).expect("the example is an ApiError");
        let message = error.message.clone();
        let expected = borne_content::errors::message(&error.into_error(), borne_core::Lang::Fr, &borne_server::ServerConfig::default().support);
        if message != expected {
            problems.push(format!("ApiError's example says {message:?}, borne_content says {expected:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// One request body of each operation that takes one, by method, path and
/// media type: for the API, built from `borne_api`'s wire types as the
/// client (or, for the device routes, a kiosk) sends them. A form's sample is
/// its fields as a JSON object of strings.
fn sample_request_bodies() -> Vec<(&'static str, &'static str, &'static str, Value)> {
    use borne_api::*;
    use borne_core::Secret;
    let jeanne = demo_member("Martin");
    let password = || Secret::new("Nouveau2025x");
    let body = |value: Result<Value, serde_json::Error>| value.expect("a wire type serializes");
    vec![
        ("post", "/v1/login", JSON, body(serde_json::to_value(LoginRequest { identifier: jeanne.email.clone(), password: password() }))),
        (
            "post",
            "/v1/password/forgot",
            JSON,
            body(serde_json::to_value(ForgotPasswordRequest {
                identifier: jeanne.nir.clone(),
                member_number: jeanne.member_number.clone(),
                email: jeanne.email.clone(),
            })),
        ),
        (
            "post",
            "/v1/codes/verify",
            JSON,
            body(serde_json::to_value(VerifyCodeRequest { purpose: Purpose::Reset, identifier: jeanne.email.clone(), code: Secret::new("123456") })),
        ),
        (
            "post",
            "/v1/password/reset",
            JSON,
            body(serde_json::to_value(ResetPasswordRequest { token: Secret::new("jeton"), new_password: password(), new_password_confirmation: password() })),
        ),
        (
            "post",
            "/v1/password/change",
            JSON,
            body(serde_json::to_value(ChangePasswordRequest {
                current_password: Some(Secret::new(jeanne.password.expose())),
                new_password: password(),
                new_password_confirmation: password(),
            })),
        ),
        ("post", "/v1/unlock", JSON, body(serde_json::to_value(UnlockRequest { nir: jeanne.nir.clone(), birthdate: jeanne.birthdate.clone() }))),
        ("post", "/v1/unlock/send", JSON, body(serde_json::to_value(UnlockSendRequest { unlock_id: "a".repeat(64), channel: Channel::Sms }))),
        (
            "post",
            "/v1/register",
            JSON,
            body(serde_json::to_value(RegisterRequest {
                nir: jeanne.nir.clone(),
                member_number: jeanne.member_number.clone(),
                birthdate: jeanne.birthdate.clone(),
                email: jeanne.email.clone(),
            })),
        ),
        (
            "post",
            "/v1/devices",
            JSON,
            body(serde_json::to_value(EnrolDeviceRequest { enrolment_secret: Secret::new("secret"), name: "Agence de Niort".into() })),
        ),
        (
            "post",
            "/v1/devices/heartbeat",
            JSON,
            body(serde_json::to_value(HeartbeatRequest { version: "0.1.0".into(), healthy: true, detail: None })),
        ),
        (
            "post",
            "/v1/account/contacts/change",
            JSON,
            body(serde_json::to_value(ContactChangeRequest { channel: Channel::Sms, value: "06 12 34 56 79".into() })),
        ),
        (
            "post",
            "/v1/account/contacts/confirm",
            JSON,
            body(serde_json::to_value(ContactConfirmRequest { channel: Channel::Email, code: Secret::new("123456") })),
        ),
        ("post", "/v1/account/sessions/end-others", JSON, json!({})),
        ("post", "/v1/account/block", JSON, body(serde_json::to_value(BlockRequest { event_id: Some(12) }))),
        // The web pages' forms, as a browser posts them (their fields, all strings).
        (
            "post",
            "/compte/mot-de-passe",
            FORM,
            json!({ "token": "jeton", "csrf": "formulaire", "new_password": "Nouveau2025x", "new_password_confirmation": "Nouveau2025x" }),
        ),
        ("post", "/compte/ce-n-est-pas-moi", FORM, json!({ "token": "jeton", "csrf": "formulaire" })),
        ("post", "/compte/regles", FORM, json!({ "token": "jeton", "csrf": "formulaire", "password": "Nouveau2025x", "confirmation": "Nouveau" })),
    ]
}

/// A sample body of each operation that takes one (`sample_request_bodies`)
/// matches the schema the document gives its request body, with the same
/// validator as the live answers; for a JSON body, the same body with one
/// more field does not (the API refuses unknown fields, and so must the
/// schema). An operation whose body has no sample (for one of its media
/// types) fails, and so does a sample the document has no body for.
#[test]
fn sample_request_bodies_match_their_documented_schemas() {
    let doc = document();
    let mut problems = Vec::new();
    let samples = sample_request_bodies();
    for op in operations(&doc) {
        let Some(body) = op.op.get("requestBody") else { continue };
        for media in contract::deref(&doc, body)["content"].as_object().into_iter().flat_map(|c| c.keys()) {
            if !samples.iter().any(|(method, path, m, _)| op.method == *method && op.path == *path && media == m) {
                problems.push(format!("{}: takes a {media} body but has no sample in sample_request_bodies()", op.name()));
            }
        }
    }
    for (method, path, media, sample) in samples {
        let op = operation(&doc, method, path);
        let pointer = format!("/requestBody/content/{}/schema", media.replace('/', "~1"));
        let Some(schema) = op.op.pointer(&pointer) else {
            problems.push(format!("{}: a {media} sample, but the document gives it no such request body", op.name()));
            continue;
        };
        problems.extend(contract::violations(&doc, schema, &sample).into_iter().map(|v| format!("{}: sample {sample}: {v}", op.name())));
        if media == JSON {
            let mut extra = sample.clone();
            extra.as_object_mut().expect("a request body is an object").insert("inconnu".into(), json!(1));
            if contract::violations(&doc, schema, &extra).is_empty() {
                problems.push(format!("{}: the schema admits an unknown field", op.name()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---- the router, without a socket ---------------------------------------------

/// The router over a fresh SQLite file holding the demo members.
async fn router() -> (axum::Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = borne_server::Db::connect(&format!("sqlite://{}", dir.path().join("oneshot.db").display())).await.expect("database");
    db.migrate().await.expect("migrations");
    let state = borne_server::AppState::new(db, borne_server::ServerConfig::default()).expect("state");
    (borne_server::router(state), dir)
}

async fn oneshot(router: &axum::Router, method: &str, path: &str) -> WireAnswer {
    let request = Request::builder().method(method).uri(path).body(Body::empty()).expect("request");
    let response = router.clone().oneshot(request).await.expect("the router answers");
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
    WireAnswer { status, content_type, text: String::from_utf8(bytes.to_vec()).expect("UTF-8 body") }
}

/// `GET /openapi.json` serves the generated document.
#[tokio::test]
async fn the_served_document_is_the_generated_one() {
    let (router, _dir) = router().await;
    let answer = oneshot(&router, "GET", "/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK.as_u16(), "{answer:?}");
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    assert!(answer.text == borne_server::openapi_json(), "GET /openapi.json is not the generated document");
}

#[tokio::test]
async fn unknown_routes_get_the_router_fallback() {
    let (router, _dir) = router().await;
    let unknown = oneshot(&router, "GET", "/v1/no-such-route").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.is_router_fallback(), "{unknown:?}");
    let wrong_method = oneshot(&router, "DELETE", "/v1/login").await;
    assert_eq!(wrong_method.status, 405);
    assert!(wrong_method.is_router_fallback(), "{wrong_method:?}");
}

#[tokio::test]
async fn probes_answer_as_documented() {
    let (router, _dir) = router().await;
    let doc = document();
    for (path, text) in [("/healthz", "ok"), ("/readyz", "ready")] {
        let answer = oneshot(&router, "GET", path).await;
        assert_eq!((answer.status, answer.text.as_str()), (200, text));
        check_answer(&doc, &operation(&doc, "get", path), &answer).unwrap();
    }
}

// ---- the running server -----------------------------------------------------------

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
