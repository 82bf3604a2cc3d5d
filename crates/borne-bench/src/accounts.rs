//! The benchmark's members: made-up, valid NIRs (key checked by borne-core),
//! one password each, created through the server's own `Db::add_member`.

use borne_core::nir::compute_key;
use borne_core::Secret;
use borne_server::{Db, NewMember};
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// At most this many members (the NIR's order number has 3 digits).
pub const MAX_MEMBERS: usize = 999;

/// What a client types to log in.
#[derive(Clone)]
pub struct Credentials {
    pub identifier: String,
    pub password: Secret,
}

/// Member `i` of run `run` (runs differ by their NIR's commune, e-mail and
/// member number, so a persistent database can take several runs). Even
/// members log in with their NIR as typed on a carte Vitale, odd ones with
/// their e-mail.
pub fn bench_member(run: u32, i: usize) -> (NewMember, Credentials) {
    assert!(i < MAX_MEMBERS, "at most {MAX_MEMBERS} members");
    let sex = 1 + i % 2;
    let month = 1 + i % 12;
    let commune = 1 + run % 999;
    let order = i + 1;
    let body = format!("{sex}80{month:02}75{commune:03}{order:03}");
    let nir = format!("{} 80 {month:02} 75 {commune:03} {order:03} {:02}", sex, compute_key(&body));
    let email = format!("bench.{run}.{i}@exemple.fr");
    let password = Secret::new(format!("Kiosque{run}x{i:03}Q"));
    let member = NewMember {
        nir: nir.clone(),
        email: email.clone(),
        phone: None,
        birthdate: format!("15/{month:02}/1980"),
        member_number: format!("BENCH-{run}-{i:03}"),
        first_name: "Camille".into(),
        last_name: format!("Essai{i:03}"),
        password: password.clone(),
    };
    let identifier = if i.is_multiple_of(2) { nir } else { email };
    (member, Credentials { identifier, password })
}

/// Creates `count` members, `parallel` at a time (each creation hashes a
/// password: unbounded, it would take 19 MiB and a thread per member).
pub async fn create(db: &Db, run: u32, count: usize, parallel: usize) -> anyhow::Result<Vec<Credentials>> {
    let permits = Arc::new(Semaphore::new(parallel.max(1)));
    let mut tasks = JoinSet::new();
    for i in 0..count {
        let (member, credentials) = bench_member(run, i);
        let (db, permits) = (db.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await?;
            db.add_member(&member).await?;
            anyhow::Ok((i, credentials))
        });
    }
    let mut created = Vec::with_capacity(count);
    while let Some(done) = tasks.join_next().await {
        created.push(done??);
    }
    created.sort_by_key(|(i, _)| *i);
    Ok(created.into_iter().map(|(_, c)| c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use borne_core::{password, Identifier, Nir};

    #[test]
    fn members_have_valid_distinct_nirs_and_acceptable_passwords() {
        let mut nirs = std::collections::HashSet::new();
        for i in [0, 1, 2, 11, 12, 498, 998] {
            let (m, c) = bench_member(4242, i);
            let nir = Nir::parse(&m.nir).unwrap_or_else(|e| panic!("member {i}: {e:?}"));
            assert!(nirs.insert(nir.as_str().to_owned()));
            assert!(password::broken_rules(c.password.expose()).is_empty(), "member {i}");
            assert!(Identifier::parse(&c.identifier).is_ok());
        }
        assert_ne!(bench_member(1, 0).0.nir, bench_member(2, 0).0.nir);
    }
}
