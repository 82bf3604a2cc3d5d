//! Demonstration members, for the app's demo mode and for trying the server.
//!
//! | Member | NIR (as on the carte Vitale) | e-mail | password | member number | mobile | born |
//! |---|---|---|---|---|---|---|
//! | Jeanne Martin | `2 78 03 69 123 045 34` | `jeanne.martin@exemple.fr` | `Mutuelle2024` | `MPN-000123` | `06 12 34 56 78` | 15/03/1978, Rhône (69) |
//! | Paul Durand | `1 65 11 2A 004 118 70` | `paul.durand@exemple.fr` | `Adherent2024` | `MPN-000456` | `07 81 23 45 67` | 02/11/1965, Ajaccio, Corse-du-Sud (2A) |
//! | Marc Petit | `1 72 04 67 482 031 71` | `marc.petit@exemple.fr` | `Borne2024Demo` | `MPN-000321` | `06 90 12 34 56` (Guadeloupe: no SMS, so unlocking uses the e-mail automatically) | 08/04/1972, Bas-Rhin (67) |
//!
//!
//! Not yet registered (known from the insurer's records, no account: try
//! "Pas encore inscrit ?"): Lucie Bernard, `2 91 07 75 056 123 67`,
//! `lucie.bernard@exemple.fr`, member number `MPN-000789`, born 12/07/1991 in
//! Paris; no mobile.
//!
//! Keys: 97 − (2780369123045 mod 97) = 34; 97 − (1720467482031 mod 97) = 71; for Corsica 2A counts as 19:
//! 97 − (1651119004118 mod 97) = 70. These are made-up numbers for a demo
//! database only.

use crate::config::ServerConfig;
use crate::store::Db;
use crate::members::NewMember;
use crate::server::RunningServer;
use anyhow::Context;
use borne_core::{Nir, Secret};
use std::net::SocketAddr;
use std::path::Path;

/// A demo server's configuration: the e-mails and SMS the procedures send
/// are kept in its outbox (shown to loopback only) instead of being
/// delivered, and its clients, on loopback, are exempt from the per-address
/// budgets (the default throttles loopback too).
pub fn config() -> ServerConfig {
    let mut config = ServerConfig::default();
    config.delivery.outbox = true;
    config.throttle.exempt_loopback = true;
    config
}

/// A demo server: a fresh SQLite database in `dir` with the demonstration
/// members, served with `config` on 127.0.0.1 (a free port). The app's demo
/// mode and the client's and the app core's tests start theirs this way.
pub async fn serve(dir: &Path, config: ServerConfig) -> anyhow::Result<RunningServer> {
    let db = Db::connect(&format!("sqlite://{}", dir.join("demo.db").display())).await.context("database")?;
    db.migrate().await.context("migrations")?;
    seed(&db).await.context("demo members")?;
    crate::spawn(db, SocketAddr::from(([127, 0, 0, 1], 0)), config).await.context("listening")
}

/// The demonstration members (see the module docs for their credentials).
pub fn members() -> Vec<NewMember> {
    vec![
        NewMember {
            nir: "2 78 03 69 123 045 34".into(),
            email: "jeanne.martin@exemple.fr".into(),
            phone: Some("06 12 34 56 78".into()),
            birthdate: "15/03/1978".into(),
            member_number: "MPN-000123".into(),
            first_name: "Jeanne".into(),
            last_name: "Martin".into(),
            password: Secret::new("Mutuelle2024"),
        },
        NewMember {
            nir: "1 65 11 2A 004 118 70".into(),
            email: "paul.durand@exemple.fr".into(),
            phone: Some("07 81 23 45 67".into()),
            birthdate: "02/11/1965".into(),
            member_number: "MPN-000456".into(),
            first_name: "Paul".into(),
            last_name: "Durand".into(),
            password: Secret::new("Adherent2024"),
        },
        NewMember {
            nir: "1 72 04 67 482 031 71".into(),
            email: "marc.petit@exemple.fr".into(),
            phone: Some("06 90 12 34 56".into()),
            birthdate: "08/04/1972".into(),
            member_number: "MPN-000321".into(),
            first_name: "Marc".into(),
            last_name: "Petit".into(),
            password: Secret::new("Borne2024Demo"),
        },
    ]
}

/// Demonstration members of the insurer's records with no account yet.
pub fn unregistered_members() -> Vec<NewMember> {
    vec![NewMember {
        nir: "2 91 07 75 056 123 67".into(),
        email: "lucie.bernard@exemple.fr".into(),
        phone: None,
        birthdate: "12/07/1991".into(),
        member_number: "MPN-000789".into(),
        first_name: "Lucie".into(),
        last_name: "Bernard".into(),
        password: Secret::default(),
    }]
}

/// The demonstration members' passwords, hashed once (Argon2id with the
/// server's parameters, each with its own salt), by member number: seeding
/// stores them as they are, so that a demo database (the app's embedded
/// server starts one at each launch) is ready without computing three
/// hashes — about 200 ms, and a 19 MiB buffer kept afterwards, as
/// `borne-app-bench` measured. The test below checks that each one matches
/// its member's password and the server's current parameters.
const PASSWORD_HASHES: [(&str, &str); 3] = [
    ("MPN-000123", "$argon2id$v=19$m=19456,t=2,p=1$ZGVtby1qZWFubmUtbWFydGlu$BBMm5GOW5OwSZNRjthvOox806GKKFgE4PcWNsRC/woo"),
    ("MPN-000456", "$argon2id$v=19$m=19456,t=2,p=1$ZGVtby1wYXVsLWR1cmFuZA$HvMUFfbYmqTrzZ8EmVBuvFTNb532aOJ6bZ33s4SCcCQ"),
    ("MPN-000321", "$argon2id$v=19$m=19456,t=2,p=1$ZGVtby1tYXJjLXBldGl0$nCwaiot6qzBdZxhgmcHcfXSp8mZZkkNzrGRxS6iJZC8"),
];

fn password_hash(member_number: &str) -> Option<&'static str> {
    PASSWORD_HASHES.iter().find(|(number, _)| *number == member_number).map(|(_, hash)| *hash)
}

/// Adds the demonstration members that are not there yet (by NIR). Running it
/// again changes nothing, not even a member's failure count.
pub async fn seed(db: &Db) -> anyhow::Result<()> {
    let mut added = 0u32;
    for m in members() {
        let nir = Nir::parse(&m.nir)?;
        if !db.nir_exists(&nir).await? {
            match password_hash(&m.member_number) {
                Some(hash) => db.add_member_hashed(&m, hash).await?,
                None => db.add_member(&m).await?,
            };
            added += 1;
        }
    }
    for m in unregistered_members() {
        let nir = Nir::parse(&m.nir)?;
        if !db.nir_exists(&nir).await? {
            db.import_member(&m).await?;
            added += 1;
        }
    }
    if added > 0 {
        history(db).await?;
    }
    tracing::info!(added, "demo members seeded");
    Ok(())
}

/// The demo kiosk of the members' history.
const DEMO_DEVICE: (&str, &str) = ("0d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e", "Agence de Nancy, borne 1");

/// A past for « Sécurité du compte » and « Mes sessions »: log-ins at the
/// demo kiosk and from a computer, a password change some weeks ago, a
/// block then unlock episode (Paul), and a second open session (Jeanne:
/// « Déconnecter les autres appareils » has something to end). No
/// statement here: `store::` functions with past dates.
async fn history(db: &Db) -> anyhow::Result<()> {
    use crate::store;
    let now = store::now();
    let (day, hour) = (86_400, 3_600);
    let pool = &db.pool;
    if !store::devices::exists(pool, DEMO_DEVICE.0).await? {
        store::devices::insert(pool, DEMO_DEVICE.0, DEMO_DEVICE.1, now - 90 * day).await?;
    }
    let kiosk = Some(DEMO_DEVICE.0);
    for (nir, past) in [
        ("278036912304534", vec![(40 * day, "login_succeeded", None, kiosk), (35 * day, "password_changed", Some("session"), None), (12 * day, "login_succeeded", None, None), (3 * day, "login_succeeded", None, kiosk), (2 * hour, "login_succeeded", None, None)]),
        ("165112A00411870", vec![(30 * day, "login_succeeded", None, None), (9 * day, "login_failed", None, kiosk), (9 * day - 60, "login_failed", None, kiosk), (9 * day - 120, "login_failed", None, kiosk), (9 * day - 121, "account_blocked", None, None), (9 * day - 600, "unlock_sent", Some("sms"), None), (9 * day - 900, "temporary_password_login", None, kiosk), (9 * day - 960, "password_changed", Some("temporary"), kiosk), (day, "login_succeeded", None, None)]),
        ("172046748203171", vec![(20 * day, "login_succeeded", None, kiosk), (6 * day, "login_succeeded", None, None)]),
    ] {
        let Some(id) = store::members::id_by_nir(pool, nir).await? else { continue };
        for (ago, kind, detail, device) in past {
            store::audit::insert(pool, now - ago, kind, Some(id), detail, device).await?;
        }
    }
    // Jeanne's other open session: at the kiosk, an hour ago (its token is nobody's).
    if let Some(id) = store::members::id_by_nir(pool, "278036912304534").await? {
        let token = crate::proofs::random_token();
        let row = store::sessions::NewRow {
            token_hash: &crate::sessions::token_hash(&token),
            member_id: id,
            created_at: now - hour,
            expires_at: now + 30 * 60,
            restricted: false,
            public_id: &crate::sessions::public_id(),
            device_id: kiosk,
        };
        store::sessions::insert(pool, &row).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_nirs_are_valid_and_documented_keys_match() {
        let nirs: Vec<String> = members().iter().map(|m| Nir::parse(&m.nir).unwrap().as_str().to_owned()).collect();
        assert_eq!(nirs, ["278036912304534", "165112A00411870", "172046748203171"]);
        assert_eq!(borne_core::nir::compute_key("2780369123045"), 34);
        assert_eq!(borne_core::nir::compute_key("1720467482031"), 71);
        // Marc Petit's mobile is overseas: no SMS, the unlock uses his e-mail.
        assert_eq!(borne_core::contact::metropolitan_mobile("06 90 12 34 56"), None);
        assert_eq!(borne_core::nir::compute_key("165112A004118"), 70);
        for m in members() {
            assert!(borne_core::password::broken_rules(m.password.expose()).is_empty());
        }
    }

    #[test]
    fn each_demo_member_has_a_precomputed_hash_of_its_password_with_the_servers_parameters() {
        let mut memory = crate::HashingMemory::new();
        for m in members() {
            let hash = password_hash(&m.member_number).unwrap_or_else(|| panic!("no precomputed hash for {}", m.member_number));
            crate::passwords::check_phc(hash).unwrap();
            assert!(crate::verify_password_blocking(&m.password, hash, &mut memory).unwrap(), "the hash of {} is not its password's", m.member_number);
            assert!(!crate::verify_password_blocking(&Secret::new("Mutuelle2025"), hash, &mut memory).unwrap());
        }
        assert_eq!(PASSWORD_HASHES.len(), members().len());
    }
}
