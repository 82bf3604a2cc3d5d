//! A string that must never be logged or kept: a password, a token, a code.
//!
//! A thin wrapper over `secrecy::SecretString` (zeroized on drop, `Debug`
//! redacted). What it adds, and why it is not `SecretString` itself: the
//! wire types must *send* a password or a token, so [`Secret`] serializes
//! as the plain string (secrecy refuses to, by design, unless a type opts
//! in); and the tests compare secrets, so it has `PartialEq`.

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroize;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Takes `s` and wipes its buffer: the secret lives only in the box it
    /// is copied to, allocated at its exact size (turning a `String` with
    /// spare capacity into a box could move it and leave a copy unwiped).
    pub fn new(s: impl Into<String>) -> Secret {
        let mut s: String = s.into();
        let secret = SecretString::from(s.as_str());
        s.zeroize();
        Secret(secret)
    }
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl Default for Secret {
    fn default() -> Self {
        Secret::new(String::new())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.expose() == other.expose()
    }
}
impl Eq for Secret {}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(••••)")
    }
}

/// As the plain string: this is how the API carries passwords and tokens.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_hides_the_value() {
        let s = Secret::new("Motdepasse1");
        assert!(!format!("{s:?}").contains("Motdepasse1"));
    }

    #[test]
    fn travels_as_the_plain_string() {
        let s = Secret::new("Motdepasse1");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, "\"Motdepasse1\"");
        assert_eq!(serde_json::from_str::<Secret>(&json).unwrap(), s);
        assert!(Secret::default().is_empty());
    }
}
