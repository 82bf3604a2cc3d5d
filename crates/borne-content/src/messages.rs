//! The e-mails and the SMS the reference server sends, per insurer profile
//! and language (`content/messages/<profile>.<lang>.toml`): MGEN's speak of
//! the « Espace personnel », MPN's of the « Espace adhérent ».
//!
//! A template is plain text with placeholders in braces (`{first_name}`);
//! each kind of message allows its own (see [`MessageKind::placeholders`])
//! and requires some (the link, the code…). A brace that is not one of the
//! allowed placeholders makes the file invalid: it is found when the file is
//! loaded (tests load every file), never in a member's mailbox.
//!
//! Besides the messages, each file holds two pieces they quote:
//! `signature` (`{signature}`, placeholders `insurer`, `phone`, `chat`) and
//! `never_share` (`{never_share}`, placeholder `insurer`).

use crate::{parse, profile, ContentError, Lang};
use serde::Deserialize;

/// The kinds of message, as the server's `Message` names them in its logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// "Mot de passe oublié": a link (at home) and a code (at a kiosk).
    ResetPassword,
    /// MGEN unlock by e-mail: the same link and code.
    UnlockByEmail,
    /// MGEN unlock by SMS: a temporary password.
    UnlockTemporaryPassword,
    /// "Pas encore inscrit ?": the activation code (at a kiosk, in the app)
    /// and a link (at home).
    RegistrationCode,
    /// After a reset or a change of password.
    PasswordChanged,
}

/// Placeholders every message may use: the insurer's contacts, the validity
/// in minutes, and the two shared pieces.
const COMMON: &[&str] = &["insurer", "phone", "chat", "minutes", "signature", "never_share"];

impl MessageKind {
    pub const ALL: [MessageKind; 5] = [
        MessageKind::ResetPassword,
        MessageKind::UnlockByEmail,
        MessageKind::UnlockTemporaryPassword,
        MessageKind::RegistrationCode,
        MessageKind::PasswordChanged,
    ];

    /// The snake_case name: the table's name in the file, the kind in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::ResetPassword => "reset_password",
            MessageKind::UnlockByEmail => "unlock_by_email",
            MessageKind::UnlockTemporaryPassword => "unlock_temporary_password",
            MessageKind::RegistrationCode => "registration_code",
            MessageKind::PasswordChanged => "password_changed",
        }
    }

    /// An e-mail (with a subject) or, for the temporary password, an SMS.
    pub fn is_email(self) -> bool {
        self != MessageKind::UnlockTemporaryPassword
    }

    /// The placeholders the message must hold: what it is sent for.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            MessageKind::ResetPassword | MessageKind::UnlockByEmail => &["link", "code"],
            MessageKind::UnlockTemporaryPassword => &["temporary_password"],
            MessageKind::RegistrationCode => &["link", "code"],
            MessageKind::PasswordChanged => &[],
        }
    }

    /// The placeholders the message may hold besides [`COMMON`]'s.
    fn own(self) -> &'static [&'static str] {
        match self {
            MessageKind::ResetPassword | MessageKind::UnlockByEmail => &["first_name", "link", "code"],
            MessageKind::UnlockTemporaryPassword => &["temporary_password"],
            MessageKind::RegistrationCode => &["first_name", "link", "code"],
            MessageKind::PasswordChanged => &["first_name"],
        }
    }

    /// Every placeholder the message's text (and subject) may hold.
    pub fn placeholders(self) -> Vec<&'static str> {
        COMMON.iter().chain(self.own()).copied().collect()
    }
}

/// One message's subject (e-mails only) and text, placeholders unfilled.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    #[serde(default)]
    pub subject: Option<String>,
    pub text: String,
}

/// The templates of one profile in one language.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageTemplates {
    pub signature: String,
    pub never_share: String,
    pub reset_password: Template,
    pub unlock_by_email: Template,
    pub unlock_temporary_password: Template,
    pub registration_code: Template,
    pub password_changed: Template,
}

/// A filled message: the subject (e-mails) and the text.
#[derive(Clone, PartialEq, Eq)]
pub struct Filled {
    pub subject: Option<String>,
    pub text: String,
}

impl std::fmt::Debug for Filled {
    // The text holds codes and links: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Filled(••••)")
    }
}

/// The message templates of `profile_id` in `lang`
/// (`content/messages/<profile>.<lang>.toml`), checked.
pub fn messages(profile_id: &str, lang: Lang) -> Result<MessageTemplates, ContentError> {
    profile(profile_id)?;
    let path = format!("messages/{profile_id}.{}.toml", lang.code());
    let templates: MessageTemplates = parse(&path)?;
    let invalid = |reason: String| ContentError::Invalid { path: path.clone(), reason };
    check(&templates.signature, &["insurer", "phone", "chat"], &[]).map_err(|e| invalid(format!("signature: {e}")))?;
    check(&templates.never_share, &["insurer"], &[]).map_err(|e| invalid(format!("never_share: {e}")))?;
    for kind in MessageKind::ALL {
        let t = templates.template(kind);
        let allowed = kind.placeholders();
        check(&t.text, &allowed, kind.required()).map_err(|e| invalid(format!("{}: {e}", kind.as_str())))?;
        match (&t.subject, kind.is_email()) {
            (Some(s), true) => check(s, &allowed, &[]).map_err(|e| invalid(format!("{} subject: {e}", kind.as_str())))?,
            (None, true) => return Err(invalid(format!("{}: an e-mail needs a subject", kind.as_str()))),
            (Some(_), false) => return Err(invalid(format!("{}: an SMS has no subject", kind.as_str()))),
            (None, false) => {}
        }
    }
    Ok(templates)
}

impl MessageTemplates {
    pub fn template(&self, kind: MessageKind) -> &Template {
        match kind {
            MessageKind::ResetPassword => &self.reset_password,
            MessageKind::UnlockByEmail => &self.unlock_by_email,
            MessageKind::UnlockTemporaryPassword => &self.unlock_temporary_password,
            MessageKind::RegistrationCode => &self.registration_code,
            MessageKind::PasswordChanged => &self.password_changed,
        }
    }

    /// The message `kind` with its placeholders filled from `values`
    /// (name, value), the signature and `never_share` filled from the same
    /// values. A placeholder without a value is left as written (the files
    /// are checked at load: only the caller can forget a value).
    pub fn fill(&self, kind: MessageKind, values: &[(&str, &str)]) -> Filled {
        let signature = fill(&self.signature, values);
        let never_share = fill(&self.never_share, values);
        let mut all: Vec<(&str, &str)> = values.to_vec();
        all.push(("signature", &signature));
        all.push(("never_share", &never_share));
        let t = self.template(kind);
        Filled { subject: t.subject.as_deref().map(|s| fill(s, &all)), text: fill(&t.text, &all) }
    }
}

/// The names in braces of `template`, or why it is malformed.
fn placeholders(template: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("a '}' without its '{'".into());
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("a '{' without its '}'")?;
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    Ok(names)
}

pub(crate) fn check(template: &str, allowed: &[&str], required: &[&str]) -> Result<(), String> {
    let names = placeholders(template)?;
    if let Some(unknown) = names.iter().find(|n| !allowed.contains(n)) {
        return Err(format!("unknown placeholder {{{unknown}}} (allowed: {})", allowed.join(", ")));
    }
    if let Some(missing) = required.iter().find(|r| !names.contains(r)) {
        return Err(format!("the placeholder {{{missing}}} is missing"));
    }
    Ok(())
}

/// `template` with each `{name}` replaced by its value in `values`, in one
/// allocation of the final size (the text may hold a code: no copies left
/// behind by a growing buffer).
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let value = |name: &str| values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let pieces = || {
        let mut out: Vec<&str> = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
            out.push(&rest[..open]);
            out.push(value(&rest[open + 1..close]).unwrap_or(&rest[open..=close]));
            rest = &rest[close + 1..];
        }
        out.push(rest);
        out
    };
    let pieces = pieces();
    let mut text = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for p in pieces {
        text.push_str(p);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_read_and_checked() {
        assert_eq!(placeholders("Bonjour {first_name}, {code}.").unwrap(), ["first_name", "code"]);
        assert!(placeholders("a { b").is_err());
        assert!(placeholders("a } b").is_err());
        assert!(check("{nir}", &["code"], &[]).unwrap_err().contains("unknown placeholder {nir}"));
        assert!(check("no code", &["code"], &["code"]).unwrap_err().contains("{code} is missing"));
        assert_eq!(fill("{a}-{b}-{c}", &[("a", "1"), ("b", "22")]), "1-22-{c}");
    }
}
