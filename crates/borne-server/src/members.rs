//! Members: creation (validated with borne-core's rules, password hashed with
//! Argon2id) and look-up by identifier.

use crate::passwords;
use crate::store::{self, now, Db};
use borne_core::email::Email;
use borne_core::support::Support;
use borne_core::{member_number, password, BirthDate, Nir, Secret};
use std::fmt;

/// A member to create.
#[derive(Clone)]
pub struct NewMember {
    /// NIR in any typed form (spaces, dots…), checked with [`Nir::parse`].
    pub nir: String,
    pub email: String,
    pub phone: Option<String>,
    /// Date of birth, `jj/mm/aaaa` (ISO `aaaa-mm-jj` is accepted too),
    /// checked with [`BirthDate::parse`] (a real past date). Not compared
    /// with the NIR's birth year and month: the records are the insurer's.
    pub birthdate: String,
    /// "Numéro d'adhérent" (numéro interne), e.g. `MPN-000123`, checked with
    /// [`borne_core::member_number::parse`] (the limits of the forms).
    pub member_number: String,
    pub first_name: String,
    pub last_name: String,
    /// Must follow `borne_core::password`'s rules.
    pub password: Secret,
}

// NIR, e-mail, phone and birth date stay out of Debug output (and so out of logs).
impl fmt::Debug for NewMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewMember")
            .field("member_number", &self.member_number)
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .finish_non_exhaustive()
    }
}

/// Why a member was refused. The message names the field and the rule, never
/// the value typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} : {reason}")]
pub struct InvalidMember {
    pub field: &'static str,
    pub reason: String,
}

impl InvalidMember {
    fn new(field: &'static str, reason: impl Into<String>) -> InvalidMember {
        InvalidMember { field, reason: reason.into() }
    }
}

struct ValidMember {
    nir: Nir,
    email: Email,
    phone: Option<String>,
    birthdate: String,
    member_number: String,
    first_name: String,
    last_name: String,
}

impl NewMember {
    /// `with_password`: false for a member imported from the insurer's
    /// records who has no account yet (the password is then ignored).
    fn validate(&self, with_password: bool) -> Result<ValidMember, InvalidMember> {
        let support = Support::default();
        let nir = Nir::parse(&self.nir).map_err(|e| InvalidMember::new("NIR", borne_content::errors::message_fr(&e, &support)))?;
        let email = Email::parse(&self.email).map_err(|e| InvalidMember::new("e-mail", borne_content::errors::message_fr(&e, &support)))?;
        let birthdate = BirthDate::parse(&self.birthdate).map_err(|e| InvalidMember::new("date de naissance", borne_content::errors::message_fr(&e, &support)))?;
        let number = member_number::parse(&self.member_number).map_err(|_| InvalidMember::new("numéro d'adhérent", format!("obligatoire, au plus {} caractères", member_number::MAX_LENGTH)))?;
        let broken = if with_password { password::broken_rules(self.password.expose()) } else { Vec::new() };
        if !broken.is_empty() {
            let rules: Vec<&str> = broken.iter().map(|r| r.label()).collect();
            return Err(InvalidMember::new("mot de passe", format!("règles non respectées : {}", rules.join(", "))));
        }
        let required = |field: &'static str, value: &str| {
            let v = value.trim();
            if v.is_empty() {
                Err(InvalidMember::new(field, "obligatoire"))
            } else {
                Ok(v.to_owned())
            }
        };
        Ok(ValidMember {
            nir,
            email,
            phone: self.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned),
            birthdate: birthdate.iso(),
            member_number: number,
            first_name: required("prénom", &self.first_name)?,
            last_name: required("nom", &self.last_name)?,
        })
    }
}

impl Db {
    /// Validates and creates a member; returns its id. The password is hashed
    /// with Argon2id off the async executor. Refusals are [`InvalidMember`]
    /// errors (downcast the `anyhow::Error` to tell them apart).
    pub async fn add_member(&self, m: &NewMember) -> anyhow::Result<i64> {
        let v = m.validate(true)?;
        let hash = passwords::hash(m.password.clone()).await?;
        self.insert_member(v, &hash, true).await
    }

    /// [`Db::add_member`] with `m.password` already hashed (the demo
    /// members', see `demo.rs`): `password_hash` must be an Argon2id PHC
    /// string; it is stored as given, not recomputed.
    pub(crate) async fn add_member_hashed(&self, m: &NewMember, password_hash: &str) -> anyhow::Result<i64> {
        let v = m.validate(true)?;
        passwords::check_phc(password_hash)?;
        self.insert_member(v, password_hash, true).await
    }

    /// A member known from the insurer's records who has not created an
    /// account yet: they cannot log in ("Ce profil est inconnu") until they
    /// register ("Pas encore inscrit ?"). `m.password` is ignored.
    pub async fn import_member(&self, m: &NewMember) -> anyhow::Result<i64> {
        let v = m.validate(false)?;
        self.insert_member(v, "", false).await
    }

    async fn insert_member(&self, v: ValidMember, hash: &str, registered: bool) -> anyhow::Result<i64> {
        let row = store::members::NewRow {
            nir: v.nir.as_str(),
            email: v.email.as_str(),
            phone: v.phone.as_deref(),
            birthdate: &v.birthdate,
            member_number: &v.member_number,
            first_name: &v.first_name,
            last_name: &v.last_name,
            password_hash: hash,
            created_at: now(),
            registered,
        };
        if let Some(id) = store::members::insert(&self.pool, &row).await? {
            tracing::info!(member_id = id, "member created");
            return Ok(id);
        }
        let field = match store::members::taken(&self.pool, v.nir.as_str(), v.email.as_str(), &v.member_number).await? {
            Some(store::members::Taken::Nir) => "NIR",
            Some(store::members::Taken::Email) => "e-mail",
            Some(store::members::Taken::MemberNumber) => "numéro d'adhérent",
            None => anyhow::bail!("cannot create the member: it conflicted with a member deleted meanwhile; try again"),
        };
        Err(InvalidMember::new(field, "un adhérent est déjà enregistré avec cette valeur").into())
    }

    /// True when a member has this NIR (already canonical or as typed).
    pub(crate) async fn nir_exists(&self, nir: &Nir) -> anyhow::Result<bool> {
        Ok(store::members::id_by_nir(&self.pool, nir.as_str()).await?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jeanne() -> NewMember {
        NewMember {
            nir: "2 78 03 69 123 045 ".into(),
            email: "jeanne.martin@exemple.fr".into(),
            phone: None,
            birthdate: "15/03/1978".into(),
            member_number: " MPN-1 ".into(),
            first_name: "Jeanne".into(),
            last_name: "Martin".into(),
            password: Secret::new("Mutuelle2024"),
        }
    }

    /// A valid NIR: the body of `jeanne()`'s and its key.
    fn with_key(m: NewMember) -> NewMember {
        let body: String = m.nir.chars().filter(char::is_ascii_digit).collect();
        NewMember { nir: format!("{body}{:02}", borne_core::nir::compute_key(&body)), ..m }
    }

    /// The import uses borne-core's parser: its formats, its errors.
    #[test]
    fn birthdates_with_borne_core_rules() {
        for (typed, stored) in [("15/03/1978", "1978-03-15"), (" 1978-03-15 ", "1978-03-15"), ("15031978", "1978-03-15"), ("15.3.1978", "1978-03-15")] {
            let v = with_key(NewMember { birthdate: typed.into(), ..jeanne() }).validate(false).unwrap();
            assert_eq!(v.birthdate, stored, "{typed}");
            assert_eq!(v.member_number, "MPN-1");
        }
        for bad in ["31/02/1978", "29/02/1978", "15/13/1978", "15-03-78", "", "01/01/2999", "aa/bb/cccc"] {
            let e = with_key(NewMember { birthdate: bad.into(), ..jeanne() }).validate(false).err().unwrap();
            assert_eq!(e.field, "date de naissance", "{bad}");
        }
    }

    #[test]
    fn member_numbers_with_borne_core_limits() {
        let longest = "9".repeat(member_number::MAX_LENGTH);
        assert_eq!(with_key(NewMember { member_number: longest.clone(), ..jeanne() }).validate(false).unwrap().member_number, longest);
        for bad in ["", "   ", &"9".repeat(member_number::MAX_LENGTH + 1)] {
            let e = with_key(NewMember { member_number: bad.into(), ..jeanne() }).validate(false).err().unwrap();
            assert_eq!(e.field, "numéro d'adhérent");
        }
    }

    #[test]
    fn refusals_never_quote_the_value() {
        let m = NewMember {
            nir: "2 78 03 69 123 045 35".into(),
            email: "jeanne.martin@exemple.fr".into(),
            phone: None,
            birthdate: "15/03/1978".into(),
            member_number: "MPN-1".into(),
            first_name: "Jeanne".into(),
            last_name: "Martin".into(),
            password: Secret::new("Mutuelle2024"),
        };
        let e = m.validate(true).err().unwrap();
        assert_eq!(e.field, "NIR");
        assert!(!e.to_string().contains("278036912304535"), "{e}");
        let dbg = format!("{m:?}");
        assert!(!dbg.contains("jeanne.martin") && !dbg.contains("2 78") && !dbg.contains("Mutuelle2024"), "{dbg}");
    }
}
