//! Property tests of every request body parser: each POST operation of
//! `openapi.json`, fed arbitrary JSON values, arbitrary bytes (with and
//! without a JSON content type) and objects with the documented field names
//! holding arbitrary or plausible values, through a running server.
//!
//! Whatever the body: no 5xx; a status the document gives for the
//! operation; an `ApiError` JSON body on every refusal; and the refusal's
//! message never quotes what was submitted (identifier, password, code…).

mod contract;

use borne_api::ApiError;
use contract::{check_answer, demo_member, document, operation, operations, Operation, Server, WireAnswer};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value};

/// Cases per operation (override with `PROPTEST_CASES`).
const CASES: u32 = 64;

/// What is sent: a JSON value, or raw bytes with a given content type.
#[derive(Clone, Debug)]
enum Body {
    Json(Value),
    Raw { bytes: Vec<u8>, content_type: Option<&'static str> },
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Values a member could type, and a few that break limits.
fn plausible_string() -> impl Strategy<Value = String> {
    let jeanne = demo_member("Martin");
    let paul = demo_member("Durand");
    let known: Vec<String> = vec![
        jeanne.nir.clone(),
        jeanne.nir.replace(' ', ""),
        jeanne.email.clone(),
        jeanne.member_number.clone(),
        jeanne.birthdate.clone(),
        paul.nir.clone(),
        paul.email.clone(),
        paul.birthdate.clone(),
        "reset".into(),
        "unlock".into(),
        "registration".into(),
        "sms".into(),
        "email".into(),
        "123456".into(),
        "Nouveau2025x".into(),
        "29/02/2023".into(),
        "1978-03-15".into(),
        "x".repeat(129),
        "é".repeat(300),
        String::new(),
        " ".into(),
    ];
    prop_oneof![
        3 => prop::sample::select(known),
        3 => "[A-Za-z0-9@._+ /-]{0,40}",
        1 => "[0-9 ]{13,17}",
        1 => any::<String>(),
    ]
}

/// What a member or a kiosk would put in a field of that name, so that the
/// procedures behind the parsers are reached (and their refusals checked).
fn typical_for(field: &str) -> BoxedStrategy<String> {
    let members = [demo_member("Martin"), demo_member("Durand")];
    let pick = |f: fn(&borne_server::NewMember) -> String| members.iter().map(f).collect::<Vec<_>>();
    let nirs = [pick(|m| m.nir.clone()), pick(|m| m.nir.replace(' ', ""))].concat();
    let values: Vec<String> = match field {
        "identifier" => [nirs, pick(|m| m.email.clone())].concat(),
        "nir" => nirs,
        "email" => pick(|m| m.email.clone()),
        "birthdate" => [pick(|m| m.birthdate.clone()), vec!["29/02/2023".into(), "15/3/1978".into()]].concat(),
        "member_number" => [pick(|m| m.member_number.clone()), vec!["mpn 000123".into()]].concat(),
        "code" => vec!["123456".into(), "000000".into(), "12345".into(), " 654321 ".into()],
        "purpose" => vec!["reset".into(), "unlock".into(), "registration".into()],
        "channel" => vec!["sms".into(), "email".into()],
        "password" | "current_password" => [pick(|m| m.password.expose().to_owned()), vec!["PasLeBon2024".into()]].concat(),
        "new_password" | "new_password_confirmation" => {
            vec!["Nouveau2025x".into(), "court".into(), "Martin1978ab".into(), "motdepasse".into()]
        }
        _ => return plausible_string().boxed(),
    };
    prop::sample::select(values).boxed()
}

/// Objects with the operation's documented field names: each present most
/// of the time (so that most bodies parse and reach the procedure), holding
/// a plausible string or any JSON value; sometimes an unknown field; a
/// `…_confirmation` field often equal to the field it confirms.
fn shaped_object(fields: Vec<String>) -> impl Strategy<Value = Value> {
    let value = |field: &str| {
        prop_oneof![
            3 => typical_for(field).prop_map(Value::String),
            2 => plausible_string().prop_map(Value::String),
            1 => json_value(),
        ]
        .boxed()
    };
    let slots: Vec<_> = fields.iter().map(|f| (prop::bool::weighted(0.85), value(f))).collect();
    (slots, prop::option::weighted(0.1, value("x_unknown_field")), any::<bool>()).prop_map(move |(slots, unknown, confirm)| {
        let mut o = Map::new();
        for (name, (present, v)) in fields.iter().zip(slots) {
            if present {
                o.insert(name.clone(), v);
            }
        }
        if let Some(v) = unknown {
            o.insert("x_unknown_field".into(), v);
        }
        if confirm {
            for name in &fields {
                if let (Some(confirmed), true) = (name.strip_suffix("_confirmation"), o.contains_key(name)) {
                    if let Some(v) = o.get(confirmed).cloned() {
                        o.insert(name.clone(), v);
                    }
                }
            }
        }
        Value::Object(o)
    })
}

fn body(fields: Vec<String>) -> impl Strategy<Value = Body> {
    let content_type = prop::sample::select(vec![Some("application/json"), Some("text/plain"), None]);
    prop_oneof![
        3 => shaped_object(fields).prop_map(Body::Json),
        2 => json_value().prop_map(Body::Json),
        1 => (prop::collection::vec(any::<u8>(), 0..256), content_type.clone()).prop_map(|(bytes, content_type)| Body::Raw { bytes, content_type }),
        1 => (any::<String>(), content_type).prop_map(|(s, content_type)| Body::Raw { bytes: s.into_bytes(), content_type }),
    ]
}

/// What the member typed, as the error message could quote it: every string
/// of the body (object keys included), or the raw body's words, of at least
/// 6 characters (shorter ones may occur in any French sentence).
fn submitted_strings(body: &Body) -> Vec<String> {
    fn collect(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.trim().to_owned()),
            Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
            Value::Object(o) => o.iter().for_each(|(k, v)| {
                out.push(k.trim().to_owned());
                collect(v, out);
            }),
            _ => {}
        }
    }
    let mut out = Vec::new();
    match body {
        Body::Json(v) => collect(v, &mut out),
        Body::Raw { bytes, .. } => {
            out.extend(String::from_utf8_lossy(bytes).split(|c: char| c.is_whitespace() || c == '"').map(str::to_owned))
        }
    }
    out.retain(|s| s.chars().count() >= 6);
    out
}

async fn send(server: &Server, op: &Operation, bearer: Option<&str>, body: &Body) -> WireAnswer {
    let method = reqwest::Method::from_bytes(op.method.to_uppercase().as_bytes()).unwrap();
    let mut req = server.http.request(method, server.url(&op.path));
    if let Some(token) = bearer {
        req = req.bearer_auth(token);
    }
    req = match body {
        Body::Json(v) => req.json(v),
        Body::Raw { bytes, content_type } => {
            let req = req.body(bytes.clone());
            match content_type {
                Some(ct) => req.header("content-type", *ct),
                None => req,
            }
        }
    };
    WireAnswer::read(req.send().await.expect("server answers")).await
}

fn check(doc: &Value, op: &Operation, body: &Body, answer: &WireAnswer) -> Result<(), TestCaseError> {
    prop_assert!(answer.status < 500, "{} answered {} to {body:?}: {}", op.name(), answer.status, answer.text);
    if !(200..300).contains(&answer.status) {
        let error: ApiError = serde_json::from_str(&answer.text)
            .map_err(|e| TestCaseError::fail(format!("{} answered {} without an ApiError body ({e}): {}", op.name(), answer.status, answer.text)))?;
        for typed in submitted_strings(body) {
            prop_assert!(!error.message.contains(&typed), "{}: the message quotes the input {typed:?}: {}", op.name(), error.message);
        }
    }
    check_answer(doc, op, answer).map_err(TestCaseError::fail)
}

/// Logs in as Paul for the operations that need a session, so that their
/// body parser is reached.
async fn session_token(server: &Server) -> String {
    let paul = demo_member("Durand");
    let body = serde_json::json!({ "identifier": paul.email, "password": paul.password.expose() });
    let answer = server.exchange("post", "/v1/login", None, Some(body)).await;
    assert_eq!(answer.status, 200, "log-in as Paul: {}", answer.text);
    answer.json().and_then(|b| b["token"].as_str().map(str::to_owned)).expect("token")
}

/// The documented field names of `op`'s request body.
fn body_fields(doc: &Value, op: &Operation) -> Vec<String> {
    op.request_schema_name()
        // An empty object's schema (`{}`) has no properties.
        .map(|name| doc["components"]["schemas"][&name]["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default())
        .unwrap_or_default()
}

fn fuzz(path: &str) {
    let doc = document();
    let op = operation(&doc, "post", path);
    let fields = body_fields(&doc, &op);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = rt.block_on(Server::start());
    let bearer = if op.schemes(&doc).iter().any(|s| s == "sessionToken") { Some(rt.block_on(session_token(&server))) } else { None };
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(CASES);
    let mut runner = TestRunner::new(Config { cases, max_shrink_iters: 200, failure_persistence: None, ..Config::default() });
    let result = runner.run(&body(fields), |body| {
        let answer = rt.block_on(send(&server, &op, bearer.as_deref(), &body));
        check(&doc, &op, &body, &answer)
    });
    rt.block_on(server.running.shutdown());
    if let Err(e) = result {
        panic!("{}: {e}", op.name());
    }
}

/// The operations fuzzed below; the document may not have more.
const FUZZED: [&str; 18] = [
    "/compte/mot-de-passe",
    "/compte/ce-n-est-pas-moi",
    "/v1/account/contacts/change",
    "/v1/account/contacts/confirm",
    "/v1/account/sessions/end-others",
    "/v1/account/block",
    "/compte/regles",
    "/v1/login",
    "/v1/logout",
    "/v1/password/forgot",
    "/v1/codes/verify",
    "/v1/password/reset",
    "/v1/password/change",
    "/v1/unlock",
    "/v1/unlock/send",
    "/v1/register",
    "/v1/devices",
    "/v1/devices/heartbeat",
];

#[test]
fn every_post_operation_of_the_document_is_fuzzed() {
    let doc = document();
    let posts: Vec<String> = operations(&doc).into_iter().filter(|o| o.method == "post").map(|o| o.path).collect();
    for path in &posts {
        assert!(FUZZED.contains(&path.as_str()), "POST {path} has no property test in tests/body_parsers.rs");
    }
}

#[test]
fn login() {
    fuzz("/v1/login");
}

/// The anti-CSRF value the fuzzed page forms carry, in the field and in the
/// cookie, so that most posts reach the form's parsing and the link's check.
const CSRF: &str = "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ";

/// The web pages' forms (`application/x-www-form-urlencoded`, HTML answers):
/// arbitrary bytes, or the documented fields holding arbitrary or plausible
/// values, with the page's cookie most of the time. Whatever the body: no
/// 5xx, a documented status and media type, and the answer never quotes
/// what was submitted.
fn fuzz_page(path: &str) {
    let doc = document();
    let op = operation(&doc, "post", path);
    let fields = body_fields(&doc, &op);
    let form = shaped_object(fields).prop_map(|v| {
        let pairs: Vec<(String, String)> = v
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), if k == "csrf" { CSRF.to_owned() } else { v.as_str().map_or_else(|| v.to_string(), str::to_owned) }))
            .collect();
        pairs
    });
    let bodies = prop_oneof![
        3 => form.prop_map(|pairs| (serde_urlencoded_pairs(&pairs), Some("application/x-www-form-urlencoded"))),
        1 => prop::collection::vec(any::<u8>(), 0..256).prop_map(|b| (b, Some("application/x-www-form-urlencoded"))),
        1 => any::<String>().prop_map(|s| (s.into_bytes(), None)),
    ];
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = rt.block_on(Server::start());
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(CASES);
    let mut runner = TestRunner::new(Config { cases, max_shrink_iters: 200, failure_persistence: None, ..Config::default() });
    let result = runner.run(&(bodies, prop::bool::weighted(0.8)), |((bytes, content_type), with_cookie)| {
        let answer = rt.block_on(async {
            let mut req = server.http.post(server.url(&op.path)).body(bytes.clone());
            if let Some(ct) = content_type {
                req = req.header("content-type", ct);
            }
            if with_cookie {
                req = req.header("cookie", format!("borne-formulaire={CSRF}"));
            }
            WireAnswer::read(req.send().await.expect("server answers")).await
        });
        prop_assert!(answer.status < 500, "{} answered {}: {}", op.name(), answer.status, answer.text);
        let submitted = submitted_strings(&Body::Raw { bytes: bytes.clone(), content_type: None });
        let decoded: Vec<(String, String)> = serde_urlencoded_decode(&bytes);
        for typed in submitted.iter().cloned().chain(decoded.into_iter().flat_map(|(k, v)| [k, v])) {
            let typed = typed.trim();
            if typed.chars().count() >= 6 && typed != CSRF {
                prop_assert!(!answer.text.contains(typed), "{}: the answer quotes the input {typed:?}", op.name());
            }
        }
        check_answer(&doc, &op, &answer).map_err(TestCaseError::fail)
    });
    rt.block_on(server.running.shutdown());
    if let Err(e) = result {
        panic!("{}: {e}", op.name());
    }
}

/// `key=value&…`, percent-encoded as a browser's form.
fn serde_urlencoded_pairs(pairs: &[(String, String)]) -> Vec<u8> {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    out.finish().into_bytes()
}

fn serde_urlencoded_decode(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

#[test]
fn password_page_form() {
    fuzz_page("/compte/mot-de-passe");
}

#[test]
fn disown_page_form() {
    fuzz_page("/compte/ce-n-est-pas-moi");
}

#[test]
fn account_change_contact() {
    fuzz("/v1/account/contacts/change");
}

#[test]
fn account_confirm_contact() {
    fuzz("/v1/account/contacts/confirm");
}

#[test]
fn account_end_other_sessions() {
    fuzz("/v1/account/sessions/end-others");
}

#[test]
fn account_block() {
    fuzz("/v1/account/block");
}

#[test]
fn password_page_rules() {
    fuzz_page("/compte/regles");
}

#[test]
fn logout() {
    fuzz("/v1/logout");
}

#[test]
fn forgot_password() {
    fuzz("/v1/password/forgot");
}

#[test]
fn verify_code() {
    fuzz("/v1/codes/verify");
}

#[test]
fn reset_password() {
    fuzz("/v1/password/reset");
}

#[test]
fn change_password() {
    fuzz("/v1/password/change");
}

#[test]
fn unlock() {
    fuzz("/v1/unlock");
}

#[test]
fn unlock_send() {
    fuzz("/v1/unlock/send");
}

#[test]
fn register() {
    fuzz("/v1/register");
}

#[test]
fn enrol_device() {
    fuzz("/v1/devices");
}

#[test]
fn device_heartbeat() {
    fuzz("/v1/devices/heartbeat");
}
