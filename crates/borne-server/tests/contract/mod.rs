//! The OpenAPI document as the tests read it (the one the server's code
//! generates, `borne_server::openapi_document`): its operations, `$ref`s,
//! draft 2020-12 validators for its schemas, and the check of a live answer
//! against what the document promises for it.
#![allow(dead_code)]

use borne_server::{NewMember, RunningServer, ServerConfig};
use serde_json::{json, Value};
use std::time::Duration;

/// The committed copy, `crates/borne-server/openapi.json`.
pub const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

/// The document the server generates (and serves).
pub fn document() -> Value {
    serde_json::from_str(&borne_server::openapi_json()).expect("the generated document is JSON")
}

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One method of one path.
#[derive(Clone, Debug)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub op: Value,
}

impl Operation {
    pub fn name(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    /// The security schemes this operation requires (its own `security`, or
    /// the document's).
    pub fn schemes(&self, doc: &Value) -> Vec<String> {
        let security = self.op.get("security").or_else(|| doc.get("security"));
        security
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|req| req.keys().cloned())
            .collect()
    }

    /// The `$ref` name of the request body's JSON schema, if the operation
    /// takes a body.
    pub fn request_schema_name(&self) -> Option<String> {
        let r = self.op.pointer("/requestBody/content/application~1json/schema/$ref")?.as_str()?;
        Some(r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{}: request body is not a component", self.name())).to_owned())
    }

    pub fn is_demo_only(&self) -> bool {
        self.op.get("x-borne-demo-only") == Some(&Value::Bool(true))
    }
}

pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths is an object") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                ops.push(Operation { method: method.to_owned(), path: path.clone(), op: op.clone() });
            }
        }
    }
    ops
}

pub fn operation(doc: &Value, method: &str, path: &str) -> Operation {
    operations(doc)
        .into_iter()
        .find(|o| o.method == method && o.path == path)
        .unwrap_or_else(|| panic!("the OpenAPI document has no {} {path}", method.to_uppercase()))
}

/// A local reference (`#/…`, a JSON pointer) in the document.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    reference.strip_prefix('#').and_then(|pointer| doc.pointer(pointer))
}

/// `value`, or what its `$ref` (followed transitively) points to.
pub fn deref<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => value = resolve(doc, r).unwrap_or_else(|| panic!("unresolved $ref {r}")),
            None => return value,
        }
    }
    panic!("$ref chain too long");
}

/// A draft 2020-12 validator of `schema`, whose `#/components/…` references
/// resolve in the document.
pub fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"],
        "allOf": [schema],
    });
    jsonschema::draft202012::new(&root).unwrap_or_else(|e| panic!("schema {schema} does not compile: {e}"))
}

/// Why `instance` does not match `schema` (empty when it does).
pub fn violations(doc: &Value, schema: &Value, instance: &Value) -> Vec<String> {
    validator(doc, schema).iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

pub fn component_schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// An answer as seen on the wire.
#[derive(Debug)]
pub struct WireAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    pub text: String,
}

impl WireAnswer {
    pub async fn read(resp: reqwest::Response) -> WireAnswer {
        let status = resp.status().as_u16();
        let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let text = resp.text().await.expect("answer body");
        WireAnswer { status, content_type, text }
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.text).ok()
    }

    pub fn error_code(&self) -> Option<String> {
        self.json()?.get("code")?.as_str().map(str::to_owned)
    }

    /// The router's answer to a route it does not have: 404 (405 for a
    /// known path with another method) with an `ApiError` `bad_request`.
    pub fn is_router_fallback(&self) -> bool {
        (self.status == 404 || self.status == 405) && self.error_code().as_deref() == Some("bad_request")
    }
}

/// Checks an answer of `op` against the document: its status is documented,
/// and its body has the documented media type and matches the documented
/// schema (or is empty when the document gives no content).
pub fn check_answer(doc: &Value, op: &Operation, answer: &WireAnswer) -> Result<(), String> {
    let context = || format!("{} answered {} {:?} {}", op.name(), answer.status, answer.content_type, answer.text);
    let response = op
        .op
        .pointer(&format!("/responses/{}", answer.status))
        .map(|r| deref(doc, r))
        .ok_or_else(|| format!("{}: status not documented", context()))?;
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return if answer.text.is_empty() { Ok(()) } else { Err(format!("{}: documented without a body", context())) };
    };
    let media = answer
        .content_type
        .as_deref()
        .map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .ok_or_else(|| format!("{}: no content type", context()))?;
    let documented = content.get(&media).ok_or_else(|| format!("{}: media type {media} not documented", context()))?;
    let instance = if media == "application/json" {
        serde_json::from_str(&answer.text).map_err(|e| format!("{}: body is not JSON: {e}", context()))?
    } else {
        Value::String(answer.text.clone())
    };
    let found = violations(doc, &documented["schema"], &instance);
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: does not match the documented schema: {}", context(), found.join("; ")))
    }
}

/// The reference server over a fresh SQLite file holding the demo members,
/// on a free loopback port.
pub struct Server {
    pub running: RunningServer,
    pub base: String,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Server {
    pub async fn start() -> Server {
        let dir = tempfile::tempdir().expect("temporary directory");
        // The contract tests call from loopback, many times: exempt it from the per-address budgets.
        let mut config = ServerConfig::default();
        config.throttle.exempt_loopback = true;
        let running = borne_server::demo::serve(dir.path(), config).await.expect("server starts");
        let base = format!("http://{}", running.addr);
        // A guard against a hung server, not a timing assertion.
        let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().expect("HTTP client");
        Server { running, base, http, _dir: dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// One request: `body` is sent as JSON.
    pub async fn exchange(&self, method: &str, path: &str, bearer: Option<&str>, body: Option<Value>) -> WireAnswer {
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("HTTP method");
        let mut req = self.http.request(method, self.url(path));
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        WireAnswer::read(req.send().await.expect("server answers")).await
    }
}

/// A demo member (`borne_server::demo`), by last name.
pub fn demo_member(last_name: &str) -> NewMember {
    borne_server::demo::members().into_iter().find(|m| m.last_name == last_name).expect("demo member")
}
