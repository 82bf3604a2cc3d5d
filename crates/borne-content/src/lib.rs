//! The content of Borne Adhérent that is not code: each insurer's profile
//! (name, colours, support, which procedures it offers), the on-screen guides
//! (the insurers' member guides, step by step, tied to the app's screens) and
//! the help topics, in French and English.
//!
//! The files live in `content/` at the root of the repository and are
//! embedded in the binary (`rust-embed`; a debug build reads them from disk):
//!
//! ```text
//! content/profiles/<profile>.toml
//! content/guides/<profile>/<procedure>.<lang>.toml   login, forgot, unlock, register
//! content/guides/<profile>/help.<lang>.toml
//! content/messages/<profile>.<lang>.toml              the server's e-mails and SMS
//! content/pages/<profile>.<lang>.toml                 the server's web pages (e-mail links)
//! ```
//!
//! No Tauri here: the app's commands call [`profile`], [`guides`] and
//! [`help`] and send the values to the UI as JSON (docs/app-ipc.md).

pub mod account;
pub mod accepted;
pub mod errors;
pub mod messages;
pub mod notices;
pub mod pages;
pub mod speech;
pub mod typography;

use borne_core::support::Support;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use borne_core::Lang;
pub use messages::{messages, MessageKind, MessageTemplates};

#[derive(rust_embed::RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../content/"]
struct Files;

/// The screens a guide step may name: the `data-screen` values of
/// `ui/index.html`.
pub const SCREENS: &[&str] = &[
    "home",
    "login",
    "space",
    "forgot",
    "forgot-sent",
    "reset",
    "reset-done",
    "unlock",
    "unlock-channel",
    "unlock-sent",
    "change-password",
    "register",
    "register-sent",
    "guides",
];

/// The fields the forgotten-password form may show (MPN guide: (A) NIR with
/// key or e-mail, (B) numéro interne, (C) the account's e-mail).
pub const FORGOT_FIELDS: &[&str] = &["identifier", "member_number", "email"];

/// An insurer as the app presents it. In JSON (and in its TOML file) the
/// support block carries the chat's address too:
/// `"support": {"insurer", "phone", "chat", "chat_url"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ProfileFile", into = "ProfileFile")]
pub struct Profile {
    pub id: String,
    /// Short name shown in the top bar ("MPN").
    pub name: String,
    pub full_name: String,
    /// What members call their online space, in every text of this
    /// insurer (screens, e-mails, pages): « Espace adhérent » (MPN),
    /// « Espace personnel » (MGEN). The same name in English.
    pub space: String,
    pub colours: Colours,
    /// How a member reaches the insurer; also what the error messages name.
    pub support: Support,
    /// Where the insurer's online chat is (shown, never opened at a kiosk).
    pub chat_url: Option<String>,
    /// The procedures the insurer offers, in menu order.
    pub procedures: Vec<Procedure>,
    /// The forgotten-password form's fields, among [`FORGOT_FIELDS`].
    pub forgot_fields: Vec<String>,
}

/// How a member on their own PC reaches the insurer from the help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contact {
    /// The online chat (`chat_url`), in the system's browser.
    Chat,
    /// The phone number, as a `tel:` link for the system's dialer.
    Phone,
}

impl Profile {
    /// The address the system opens for `contact`: the chat's `https://`
    /// address, or `tel:` and the phone number's digits (« 03 88 19 22 56 »
    /// → `tel:0388192256`); `None` when the profile has none.
    pub fn contact_url(&self, contact: Contact) -> Option<String> {
        match contact {
            Contact::Chat => self.chat_url.clone().filter(|u| u.starts_with("https://")),
            Contact::Phone => {
                let digits: String = self.support.phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
                (!digits.is_empty()).then(|| format!("tel:{digits}"))
            }
        }
    }
}

/// CSS colours (`#rrggbb`) of the insurer's theme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colours {
    pub primary: String,
    pub primary_dark: String,
    pub on_primary: String,
}

/// An account procedure, the subject of one guide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    Login,
    Forgot,
    Unlock,
    Register,
}

impl Procedure {
    pub const ALL: [Procedure; 4] = [Procedure::Login, Procedure::Forgot, Procedure::Unlock, Procedure::Register];

    /// The snake_case name, as in JSON and in the guide's file name.
    pub fn as_str(self) -> &'static str {
        match self {
            Procedure::Login => "login",
            Procedure::Forgot => "forgot",
            Procedure::Unlock => "unlock",
            Procedure::Register => "register",
        }
    }
}

/// The on-screen walkthrough of one procedure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub procedure: Procedure,
    pub title: String,
    /// Which insurer guide, and which of its steps, this one follows.
    pub source: String,
    pub steps: Vec<Step>,
}

/// One step of a guide, shown beside the screen it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Stable within the guide, the same in every language.
    pub id: String,
    /// One of [`SCREENS`].
    pub screen: String,
    pub title: String,
    pub text: String,
    /// "À noter" remarks and the messages the member may meet.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A help page ("Où trouver mon numéro… ?").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpTopic {
    pub id: String,
    pub title: String,
    pub paragraphs: Vec<String>,
    /// Path under `ui/`, e.g. `img/carte-vitale.svg`.
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub image_alt: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    #[error("unknown profile \"{id}\"; available: {}", .available.join(", "))]
    UnknownProfile { id: String, available: Vec<String> },
    #[error("content file {path} is missing")]
    Missing { path: String },
    #[error("content file {path} is invalid: {reason}")]
    Invalid { path: String, reason: String },
}

/// The ids of the embedded profiles, sorted.
pub fn profile_ids() -> Vec<String> {
    let mut ids: Vec<String> = Files::iter()
        .filter_map(|path| {
            let name = path.strip_prefix("profiles/")?.strip_suffix(".toml")?;
            (!name.contains('/')).then(|| name.to_string())
        })
        .collect();
    ids.sort();
    ids
}

/// The profile `id` (`content/profiles/<id>.toml`).
pub fn profile(id: &str) -> Result<Profile, ContentError> {
    let available = profile_ids();
    if !available.iter().any(|a| a == id) {
        return Err(ContentError::UnknownProfile { id: id.to_string(), available });
    }
    let path = format!("profiles/{id}.toml");
    let profile: Profile = parse(&path)?;
    let invalid = |reason: String| Err(ContentError::Invalid { path: path.clone(), reason });
    if profile.id != id {
        return invalid(format!("its id is \"{}\", not the file's name", profile.id));
    }
    if !profile.space.starts_with("Espace ") {
        return invalid(format!("its space is \"{}\", not « Espace … »", profile.space));
    }
    if profile.procedures.is_empty() {
        return invalid("it offers no procedure".into());
    }
    if let Some(f) = profile.forgot_fields.iter().find(|f| !FORGOT_FIELDS.contains(&f.as_str())) {
        return invalid(format!("unknown forgot field \"{f}\" (known: {})", FORGOT_FIELDS.join(", ")));
    }
    Ok(profile)
}

/// The guides of every procedure the profile offers, in its order, in `lang`.
pub fn guides(profile_id: &str, lang: Lang) -> Result<Vec<Guide>, ContentError> {
    let profile = profile(profile_id)?;
    profile.procedures.iter().map(|&procedure| guide(profile_id, procedure, lang)).collect()
}

/// The guide of one procedure (`content/guides/<profile>/<procedure>.<lang>.toml`).
fn guide(profile_id: &str, procedure: Procedure, lang: Lang) -> Result<Guide, ContentError> {
    let path = format!("guides/{profile_id}/{}.{}.toml", procedure.as_str(), lang.code());
    let guide: Guide = parse(&path)?;
    let invalid = |reason: String| Err(ContentError::Invalid { path: path.clone(), reason });
    if guide.procedure != procedure {
        return invalid(format!("it is the guide of \"{}\"", guide.procedure.as_str()));
    }
    if guide.steps.is_empty() {
        return invalid("it has no step".into());
    }
    if let Some(step) = guide.steps.iter().find(|s| !SCREENS.contains(&s.screen.as_str())) {
        return invalid(format!("step \"{}\" names the unknown screen \"{}\"", step.id, step.screen));
    }
    Ok(guide)
}

/// The help topics of the profile, in `lang` (`content/guides/<profile>/help.<lang>.toml`).
pub fn help(profile_id: &str, lang: Lang) -> Result<Vec<HelpTopic>, ContentError> {
    profile(profile_id)?;
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct HelpFile {
        topics: Vec<HelpTopic>,
    }
    let file: HelpFile = parse(&format!("guides/{profile_id}/help.{}.toml", lang.code()))?;
    Ok(file.topics)
}

fn parse<T: DeserializeOwned>(path: &str) -> Result<T, ContentError> {
    let file = Files::get(path).ok_or_else(|| ContentError::Missing { path: path.to_string() })?;
    let invalid = |reason: String| ContentError::Invalid { path: path.to_string(), reason };
    let text = std::str::from_utf8(&file.data).map_err(|e| invalid(e.to_string()))?;
    toml::from_str(text).map_err(|e| invalid(e.to_string()))
}

/// The profile as written in its TOML file and sent as JSON: the chat's
/// address sits in the support block.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    id: String,
    name: String,
    full_name: String,
    space: String,
    colours: Colours,
    support: SupportFile,
    procedures: Vec<Procedure>,
    forgot_fields: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SupportFile {
    insurer: String,
    phone: String,
    chat: String,
    #[serde(default)]
    chat_url: Option<String>,
}

impl From<ProfileFile> for Profile {
    fn from(f: ProfileFile) -> Profile {
        let SupportFile { insurer, phone, chat, chat_url } = f.support;
        Profile {
            id: f.id,
            name: f.name,
            full_name: f.full_name,
            space: f.space,
            colours: f.colours,
            support: Support { insurer, phone, chat },
            chat_url,
            procedures: f.procedures,
            forgot_fields: f.forgot_fields,
        }
    }
}

impl From<Profile> for ProfileFile {
    fn from(p: Profile) -> ProfileFile {
        let Support { insurer, phone, chat } = p.support;
        ProfileFile {
            id: p.id,
            name: p.name,
            full_name: p.full_name,
            space: p.space,
            colours: p.colours,
            support: SupportFile { insurer, phone, chat, chat_url: p.chat_url },
            procedures: p.procedures,
            forgot_fields: p.forgot_fields,
        }
    }
}
