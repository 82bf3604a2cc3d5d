//! The crate invariants of ARCHITECTURE.md, checked on the dependency graph
//! cargo resolves for the workspace (normal dependencies, transitively;
//! dev- and build-dependencies do not ship and are not followed).

use cargo_metadata::{DependencyKind, Metadata, MetadataCommand, Node, PackageId};
use std::collections::{BTreeSet, HashMap};

fn metadata() -> Metadata {
    MetadataCommand::new()
        .manifest_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml"))
        .exec()
        .expect("cargo metadata runs on the workspace")
}

struct Graph {
    meta: Metadata,
    nodes: HashMap<PackageId, Node>,
}

impl Graph {
    fn load() -> Graph {
        let meta = metadata();
        let nodes = meta.resolve.as_ref().expect("a resolved graph").nodes.iter().map(|n| (n.id.clone(), n.clone())).collect();
        Graph { meta, nodes }
    }

    fn id(&self, name: &str) -> PackageId {
        self.meta.workspace_packages().into_iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no workspace crate {name}")).id.clone()
    }

    fn name(&self, id: &PackageId) -> String {
        self.meta[id].name.clone()
    }

    /// Names of the packages reached from `id` through normal dependencies.
    fn normal_closure(&self, id: &PackageId) -> BTreeSet<String> {
        let (mut seen, mut todo) = (BTreeSet::new(), vec![id.clone()]);
        while let Some(next) = todo.pop() {
            for dep in &self.nodes[&next].deps {
                if dep.dep_kinds.iter().any(|k| k.kind == DependencyKind::Normal) && seen.insert(dep.pkg.clone()) {
                    todo.push(dep.pkg.clone());
                }
            }
        }
        seen.iter().map(|id| self.name(id)).collect()
    }

    /// Names of the direct normal dependencies of `id`.
    fn direct(&self, id: &PackageId) -> BTreeSet<String> {
        self.nodes[id].deps.iter().filter(|d| d.dep_kinds.iter().any(|k| k.kind == DependencyKind::Normal)).map(|d| self.name(&d.pkg)).collect()
    }
}

const TAURI: &[&str] = &["tauri", "wry", "tao", "webkit2gtk", "tauri-runtime"];
// (tower-http is not here: reqwest uses it on the client side.)
const HTTP_SERVER: &[&str] = &["axum", "axum-core", "actix-web", "warp"];
const DATABASE: &[&str] = &["sqlx", "sqlx-core", "libsqlite3-sys", "rusqlite", "tokio-postgres", "postgres"];
const HTTP_CLIENT: &[&str] = &["reqwest", "hyper", "hyper-util", "ureq", "isahc", "surf"];

fn forbidden_in(closure: &BTreeSet<String>, lists: &[&[&str]]) -> Vec<String> {
    lists.iter().flat_map(|l| l.iter()).filter(|c| closure.contains(**c)).map(|c| c.to_string()).collect()
}

/// borne-core, borne-api, borne-content, borne-app, borne-config and
/// borne-speech (the spoken mode) never depend on Tauri, an HTTP server or a
/// database, even transitively.
#[test]
fn the_core_crates_depend_on_no_tauri_no_http_server_no_database() {
    let g = Graph::load();
    for krate in ["borne-core", "borne-api", "borne-content", "borne-app", "borne-config", "borne-speech"] {
        let bad = forbidden_in(&g.normal_closure(&g.id(krate)), &[TAURI, HTTP_SERVER, DATABASE]);
        assert!(bad.is_empty(), "{krate} depends on {bad:?}");
    }
}

/// The rules, the protocol and the texts do no I/O at all: no HTTP client,
/// no async runtime.
#[test]
fn rules_protocol_and_texts_do_no_io() {
    let g = Graph::load();
    for krate in ["borne-core", "borne-api", "borne-content"] {
        let closure = g.normal_closure(&g.id(krate));
        let bad = forbidden_in(&closure, &[HTTP_CLIENT, &["tokio"]]);
        assert!(bad.is_empty(), "{krate} depends on {bad:?}");
    }
}

/// Of the app's crates, only borne-client talks HTTP to the backend: no
/// other one depends on an HTTP client directly. (borne-server is the
/// backend: its client talks to the SMS gateway; the two bench crates are
/// load generators and WebDriver clients, not the app.)
#[test]
fn only_borne_client_talks_http_to_the_backend() {
    let g = Graph::load();
    let not_the_app = ["borne-client", "borne-server", "borne-bench", "borne-app-bench", "borne-invariants"];
    for package in g.meta.workspace_packages() {
        if not_the_app.contains(&package.name.as_str()) {
            continue;
        }
        let bad = forbidden_in(&g.direct(&package.id), &[HTTP_CLIENT]);
        assert!(bad.is_empty(), "{} uses an HTTP client directly: {bad:?} (go through borne-client)", package.name);
    }
    assert!(g.direct(&g.id("borne-client")).contains("reqwest"), "borne-client is the one that talks HTTP");
}

/// Release builds have no web inspector: tauri's `devtools` feature is not
/// enabled by any crate (debug builds get it from tauri itself, and
/// src-tauri/src/kiosk.rs turns it off in kiosk mode).
#[test]
fn devtools_are_not_enabled_for_release_builds() {
    let g = Graph::load();
    let tauri = g.nodes.values().find(|n| g.name(&n.id) == "tauri").expect("the app depends on tauri");
    assert!(!tauri.features.iter().any(|f| f.as_str() == "devtools"), "tauri features: {:?}", tauri.features);
}

/// The checks above can fail: the same look-up finds what the server and
/// the Tauri app do depend on.
#[test]
fn the_checks_see_the_dependencies_that_exist() {
    let g = Graph::load();
    let server = g.normal_closure(&g.id("borne-server"));
    assert_eq!(forbidden_in(&server, &[HTTP_SERVER]), ["axum", "axum-core"]);
    assert!(forbidden_in(&server, &[DATABASE]).contains(&"sqlx".to_string()));
    assert!(forbidden_in(&g.normal_closure(&g.id("borne-adherent")), &[TAURI]).contains(&"tauri".to_string()));
}
