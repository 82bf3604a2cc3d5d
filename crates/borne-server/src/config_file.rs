//! The operator's configuration: a TOML file (`serve --config FILE`) and
//! `BORNE_*` environment variables, which win over the file. Secrets are
//! best given by environment (or a file readable by the service only); they
//! are never logged, and `Debug` of every secret prints nothing of it.
//!
//! ```toml
//! [server]
//! listen = "0.0.0.0:8443"
//! database_url = "postgres://borne@db.internal/borne"
//! session_ttl_secs = 1800
//! # Where the e-mails' links lead: this server's public address (the
//! # member's browser opens its /compte/mot-de-passe pages there).
//! public_url = "https://adherents.mpn.example"
//! # The app's deep link, offered by those pages to members who have the app.
//! reset_link_base = "borne://reset?token="
//! # The reverse proxies whose X-Forwarded-For is believed (none by default).
//! trusted_proxies = ["10.0.0.0/8", "192.0.2.10"]
//! # Who may read GET /metrics (loopback by default).
//! metrics_from = ["127.0.0.1", "10.1.2.0/24"]
//! # The insurer whose wording the e-mails and SMS use (content/messages/):
//! # "mpn" (default, « Espace adhérent ») or "mgen" (« Espace personnel »),
//! # and their language, "fr" (default) or "en". The profile also gives the
//! # [support] defaults below.
//! profile = "mpn"
//! language = "fr"
//!
//! [support]
//! insurer = "MPN"
//! phone = "03 88 19 22 56"
//! chat = "le chat en ligne de votre Espace adhérent"
//!
//! [delivery]
//! from = "MPN <ne-pas-repondre@mpn.example>"
//! [delivery.smtp]
//! host = "smtp.mpn.example"
//! tls = "starttls"
//! username = "borne"
//! [delivery.sms_gateway]
//! url = "https://sms.example/api/send"
//! sender = "MPN"
//!
//! [devices]
//! # A backend serving kiosks only: refuse every unsigned request.
//! require_signature = true
//!
//! [throttle]
//! exempt_loopback = false
//! per_address_sensitive = { per_minute = 10, burst = 10 }
//! ```
//!
//! Environment: `BORNE_LISTEN`, `BORNE_DATABASE_URL`, `BORNE_SESSION_TTL_SECS`,
//! `BORNE_PUBLIC_URL`, `BORNE_RESET_LINK_BASE`, `BORNE_PEPPER`, `BORNE_OUTBOX_KEY`, `BORNE_ENROLMENT_SECRET`,
//! `BORNE_ADMIN_TOKEN`, `BORNE_DEVICE_KEY_SECRET`, `BORNE_SMTP_PASSWORD`,
//! `BORNE_SMS_GATEWAY_TOKEN`, `BORNE_PROFILE`, `BORNE_LANGUAGE`, `BORNE_SUPPORT_INSURER`, `BORNE_SUPPORT_PHONE`,
//! `BORNE_SUPPORT_CHAT`, `BORNE_TRUSTED_PROXIES` (comma-separated).

use crate::config::ServerConfig;
use crate::delivery::DeliveryConfig;
use crate::throttle::Budget;
use anyhow::Context;
use borne_core::Secret;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    server: ServerSection,
    #[serde(default)]
    support: SupportSection,
    delivery: Option<DeliveryConfig>,
    #[serde(default)]
    devices: DevicesSection,
    #[serde(default)]
    throttle: ThrottleSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerSection {
    listen: Option<SocketAddr>,
    database_url: Option<String>,
    session_ttl_secs: Option<u64>,
    reset_link_base: Option<String>,
    public_url: Option<String>,
    pepper: Option<Secret>,
    outbox_key: Option<Secret>,
    trusted_proxies: Option<Vec<String>>,
    metrics_from: Option<Vec<String>>,
    profile: Option<String>,
    language: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SupportSection {
    insurer: Option<String>,
    phone: Option<String>,
    chat: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DevicesSection {
    enrolment_secret: Option<Secret>,
    admin_token: Option<Secret>,
    key_secret: Option<Secret>,
    require_signature: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThrottleSection {
    enabled: Option<bool>,
    exempt_loopback: Option<bool>,
    per_address: Option<BudgetSection>,
    per_address_sensitive: Option<BudgetSection>,
    per_device: Option<BudgetSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetSection {
    per_minute: u32,
    burst: u32,
}

impl From<BudgetSection> for Budget {
    fn from(b: BudgetSection) -> Budget {
        Budget { per_minute: b.per_minute, burst: b.burst }
    }
}

/// What `serve` runs with.
#[derive(Debug)]
pub struct Settings {
    pub listen: Option<SocketAddr>,
    pub database_url: Option<String>,
    pub server: ServerConfig,
}

/// Reads `path` (if any), then applies the `BORNE_*` variables read with `env`.
pub fn load(path: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Settings> {
    // The file, then the variables over it (borne-config, shared with the app).
    let file: File = match path {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read the configuration file {}", p.display()))?;
            borne_config::parse_toml(&p.display().to_string(), &text).map_err(|e| {
                let at = e.line.map(|l| format!(" (line {l})")).unwrap_or_default();
                anyhow::anyhow!("invalid configuration file {}{at}: {}", e.path, e.message)
            })?
        }
        None => File::default(),
    };
    let mut server = ServerConfig::default();
    let layers = borne_config::Layers::new(env);
    let var = |name: &str| layers.var(name);

    let listen = match var("BORNE_LISTEN") {
        Some(v) => Some(v.parse().with_context(|| "BORNE_LISTEN is not an address:port".to_string())?),
        None => file.server.listen,
    };
    let database_url = var("BORNE_DATABASE_URL").or(file.server.database_url);
    if let Some(secs) = match var("BORNE_SESSION_TTL_SECS") {
        Some(v) => Some(v.parse::<u64>().context("BORNE_SESSION_TTL_SECS is not a number of seconds")?),
        None => file.server.session_ttl_secs,
    } {
        anyhow::ensure!((60..=86_400).contains(&secs), "session_ttl_secs must be between 60 and 86400");
        server.session_ttl = Duration::from_secs(secs);
    }
    if let Some(base) = var("BORNE_RESET_LINK_BASE").or(file.server.reset_link_base) {
        server.reset_link_base = base;
    }
    if let Some(url) = var("BORNE_PUBLIC_URL").or(file.server.public_url) {
        server.public_url = Some(crate::config::public_url(&url).context("server.public_url (BORNE_PUBLIC_URL)")?);
    }
    if let Some(p) = var("BORNE_PEPPER").map(Secret::new).or(file.server.pepper) {
        anyhow::ensure!(p.expose().len() >= 32, "the pepper must be at least 32 characters");
        server.pepper = p;
    }

    if let Some(k) = var("BORNE_OUTBOX_KEY").map(Secret::new).or(file.server.outbox_key) {
        anyhow::ensure!(k.expose().len() >= 32, "the outbox key must be at least 32 characters");
        server.outbox_key = k;
    }
    let proxies: Option<Vec<String>> = match var("BORNE_TRUSTED_PROXIES") {
        Some(v) => Some(v.split(',').map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()),
        None => file.server.trusted_proxies,
    };
    if let Some(list) = proxies {
        server.trusted_proxies = list.iter().map(|p| network("trusted_proxies", p)).collect::<anyhow::Result<_>>()?;
    }

    if let Some(list) = file.server.metrics_from {
        server.metrics_from = list.iter().map(|p| network("metrics_from", p)).collect::<anyhow::Result<_>>()?;
    }

    if let Some(id) = var("BORNE_PROFILE").or(file.server.profile) {
        server.profile = id.trim().to_owned();
    }
    // The profile's contacts, then [support] and BORNE_SUPPORT_* over them.
    server.support = borne_content::profile(&server.profile).context("server.profile (BORNE_PROFILE)")?.support;
    if let Some(v) = var("BORNE_LANGUAGE").or(file.server.language) {
        server.language = borne_core::Lang::parse(&v)
            .with_context(|| format!("server.language (BORNE_LANGUAGE) is \"{v}\": \"fr\" or \"en\""))?;
    }

    let s = &mut server.support;
    if let Some(v) = var("BORNE_SUPPORT_INSURER").or(file.support.insurer) {
        s.insurer = v;
    }
    if let Some(v) = var("BORNE_SUPPORT_PHONE").or(file.support.phone) {
        s.phone = v;
    }
    if let Some(v) = var("BORNE_SUPPORT_CHAT").or(file.support.chat) {
        s.chat = v;
    }

    if let Some(d) = file.delivery {
        server.delivery = d;
    }
    if let (Some(p), Some(smtp)) = (var("BORNE_SMTP_PASSWORD"), server.delivery.smtp.as_mut()) {
        smtp.password = Some(Secret::new(p));
    }
    if let (Some(t), Some(gw)) = (var("BORNE_SMS_GATEWAY_TOKEN"), server.delivery.sms_gateway.as_mut()) {
        gw.bearer_token = Some(Secret::new(t));
    }

    let d = &mut server.devices;
    d.enrolment_secret = var("BORNE_ENROLMENT_SECRET").map(Secret::new).or(file.devices.enrolment_secret);
    d.admin_token = var("BORNE_ADMIN_TOKEN").map(Secret::new).or(file.devices.admin_token);
    if let Some(k) = var("BORNE_DEVICE_KEY_SECRET").map(Secret::new).or(file.devices.key_secret) {
        anyhow::ensure!(k.expose().len() >= 32, "the device key secret must be at least 32 characters");
        d.key_secret = k;
    }
    if let Some(v) = file.devices.require_signature {
        d.require_signature = v;
    }

    let t = &mut server.throttle;
    let ft = file.throttle;
    if let Some(v) = ft.enabled {
        t.enabled = v;
    }
    if let Some(v) = ft.exempt_loopback {
        t.exempt_loopback = v;
    }
    if let Some(b) = ft.per_address {
        t.per_address = b.into();
    }
    if let Some(b) = ft.per_address_sensitive {
        t.per_address_sensitive = b.into();
    }
    if let Some(b) = ft.per_device {
        t.per_device = b.into();
    }
    Ok(Settings { listen, database_url, server })
}

/// An address (`192.0.2.10`, `::1`) or a network (`10.0.0.0/8`).
fn network(field: &str, text: &str) -> anyhow::Result<ipnet::IpNet> {
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .with_context(|| format!("{field}: {text:?} is not an address or a network (10.0.0.0/8)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn file_then_environment() {
        let f = file(
            r#"
            [server]
            listen = "127.0.0.1:9000"
            database_url = "sqlite://from-file.db"
            session_ttl_secs = 600
            trusted_proxies = ["10.0.0.0/8", "192.0.2.10"]
            [support]
            insurer = "MGEN"
            phone = "36 76"
            [delivery]
            from = "MGEN <ne-pas-repondre@mgen.example>"
            outbox = false
            retry_first_ms = 2000
            retry_max_secs = 300
            [delivery.sms_gateway]
            url = "https://sms.example/send"
            sender = "MGEN"
            [devices]
            admin_token = "jeton-du-fichier"
            require_signature = true
            [throttle]
            exempt_loopback = false
            per_address_sensitive = { per_minute = 5, burst = 3 }
            "#,
        );
        let s = load(
            Some(f.path()),
            env(&[
                ("BORNE_DATABASE_URL", "postgres://db/borne"),
                ("BORNE_ADMIN_TOKEN", "jeton-de-l-environnement"),
                ("BORNE_SMS_GATEWAY_TOKEN", "t0k3n"),
                ("BORNE_OUTBOX_KEY", "clé de la file des messages, trente-deux caractères au moins"),
            ]),
        )
        .unwrap();
        assert_eq!(s.listen, Some("127.0.0.1:9000".parse().unwrap()));
        assert_eq!(s.database_url.as_deref(), Some("postgres://db/borne"), "the environment wins");
        assert_eq!(s.server.session_ttl, Duration::from_secs(600));
        assert_eq!(s.server.support.insurer, "MGEN");
        assert_eq!(s.server.support.phone, "36 76");
        assert_eq!(s.server.devices.admin_token.as_ref().unwrap().expose(), "jeton-de-l-environnement");
        assert_eq!(s.server.delivery.sms_gateway.as_ref().unwrap().bearer_token.as_ref().unwrap().expose(), "t0k3n");
        assert!(!s.server.throttle.exempt_loopback);
        assert!(s.server.devices.require_signature);
        assert_eq!(s.server.outbox_key.expose(), "clé de la file des messages, trente-deux caractères au moins");
        let retry = s.server.delivery.retry_policy();
        assert_eq!((retry.first, retry.max), (Duration::from_secs(2), Duration::from_secs(300)));
        let proxies: Vec<String> = s.server.trusted_proxies.iter().map(|p| p.to_string()).collect();
        assert_eq!(proxies, ["10.0.0.0/8", "192.0.2.10/32"]);
        assert_eq!(s.server.throttle.per_address_sensitive, Budget { per_minute: 5, burst: 3 });
        let shown = format!("{s:?}");
        assert!(!shown.contains("jeton") && !shown.contains("t0k3n") && !shown.contains("trente-deux"), "secrets leak through Debug: {shown}");
    }

    #[test]
    fn the_profile_chooses_the_wording_and_the_default_contacts() {
        let default = load(None, env(&[])).unwrap().server;
        assert_eq!((default.profile.as_str(), default.language), ("mpn", borne_core::Lang::Fr));
        assert_eq!(default.support, borne_core::support::Support::default());

        let f = file("[server]\nprofile = \"mgen\"\nlanguage = \"en\"\n[support]\nphone = \"01 02 03 04 05\"\n");
        let s = load(Some(f.path()), env(&[])).unwrap().server;
        assert_eq!((s.profile.as_str(), s.language), ("mgen", borne_core::Lang::En));
        assert_eq!(s.support.insurer, "MGEN", "from content/profiles/mgen.toml");
        assert_eq!(s.support.phone, "01 02 03 04 05", "[support] over the profile");

        let s = load(Some(f.path()), env(&[("BORNE_PROFILE", "mpn"), ("BORNE_LANGUAGE", "fr")])).unwrap().server;
        assert_eq!((s.profile.as_str(), s.language, s.support.insurer.as_str()), ("mpn", borne_core::Lang::Fr, "MPN"));

        let err = load(None, env(&[("BORNE_PROFILE", "abc")])).unwrap_err();
        assert!(format!("{err:#}").contains("available: mgen, mpn"), "{err:#}");
        let err = load(None, env(&[("BORNE_LANGUAGE", "de")])).unwrap_err();
        assert!(format!("{err:#}").contains("\"fr\" or \"en\""), "{err:#}");
    }

    #[test]
    fn refuses_unknown_keys_and_weak_secrets() {
        let f = file("[server]\nlisten_on = \"x\"\n");
        assert!(load(Some(f.path()), env(&[])).is_err());
        assert!(load(None, env(&[("BORNE_PEPPER", "court")])).is_err());
        assert!(load(None, env(&[("BORNE_OUTBOX_KEY", "courte")])).is_err());
        assert!(load(None, env(&[("BORNE_SESSION_TTL_SECS", "5")])).is_err());
        assert!(load(None, env(&[("BORNE_LISTEN", "pas une adresse")])).is_err());
        assert!(load(None, env(&[("BORNE_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local")])).is_err());
        let from_env = load(None, env(&[("BORNE_TRUSTED_PROXIES", "10.0.0.0/8, ::1")])).unwrap();
        assert_eq!(from_env.server.trusted_proxies.len(), 2);
        let defaults = load(None, env(&[])).unwrap();
        assert!(defaults.server.trusted_proxies.is_empty(), "no proxy is trusted by default");
        assert!(!defaults.server.throttle.exempt_loopback, "loopback is throttled by default");
        assert!(!defaults.server.devices.require_signature);
        assert!(defaults.server.devices.enrolment_secret.is_none());
        assert!(!defaults.server.delivery.outbox, "the outbox is never on by default");
        assert!(defaults.server.public_url.is_none(), "spawn uses the address it listens on");
        assert!(load(None, env(&[("BORNE_PUBLIC_URL", "http://adherents.mpn.example")])).is_err(), "http:// only on loopback");
        let f = file("[server]\npublic_url = \"https://adherents.mpn.example/\"\n");
        assert_eq!(load(Some(f.path()), env(&[])).unwrap().server.public_url.as_deref(), Some("https://adherents.mpn.example"));
    }

    /// A file that does not parse is named with its line, never quoted: the
    /// line may hold a secret.
    #[test]
    fn a_malformed_file_is_reported_by_line_without_its_text() {
        let f = file("[server]\nlisten = \"127.0.0.1:9000\"\npepper = \"le-poivre-secret-de-trente-deux-caracteres\n");
        let e = format!("{:#}", load(Some(f.path()), env(&[])).unwrap_err());
        assert!(e.contains("invalid configuration file") && e.contains("(line 3)"), "{e}");
        assert!(!e.contains("le-poivre-secret"), "the error quotes the secret: {e}");
    }
}
