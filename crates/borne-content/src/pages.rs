//! The texts of the reference server's web pages, where the e-mails' links
//! lead (set a new password from a phone or webmail), per insurer profile
//! and language (`content/pages/<profile>.<lang>.toml`): MGEN's speak of
//! the « Espace personnel », MPN's of the « Espace adhérent » (`space`).
//! The error messages of the form are [`crate::errors`]' and the password
//! rules' labels borne-core's, as in the app.
//!
//! Placeholders, filled by [`pages`]: `{insurer}`, `{phone}` (the insurer's
//! contacts, as configured on the server), `{minutes}` (a link's life) and
//! `{space}`. Any other brace makes the file invalid (checked at load).

use crate::messages::{check, fill};
use crate::{parse, profile, ContentError, Lang};
use borne_core::support::Support;
use serde::Deserialize;

/// Every text of the pages, placeholders filled.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageTexts {
    /// « Espace adhérent » (MPN), « Espace personnel » (MGEN): the
    /// profile's `space`, not written in the pages' files.
    #[serde(skip_deserializing)]
    pub space: String,
    /// The page's `lang` attribute.
    pub lang: String,
    pub skip_link: String,
    pub footer: String,
    pub title_reset: String,
    pub title_unlock: String,
    pub title_registration: String,
    pub lead_reset: String,
    pub lead_unlock: String,
    pub lead_registration: String,
    pub new_password: String,
    pub new_password_hint: String,
    pub confirmation: String,
    pub confirmation_hint: String,
    pub rules_title: String,
    pub rules_live: String,
    pub rule_met: String,
    pub rule_unmet: String,
    pub match_yes: String,
    pub match_no: String,
    pub submit: String,
    pub error_summary: String,
    pub app_title: String,
    pub app_text: String,
    pub app_link: String,
    pub done_title: String,
    pub done_reset: String,
    pub done_unlock: String,
    pub done_registration: String,
    pub done_problem: String,
    pub done_notice: String,
    pub expired_title: String,
    pub expired_text: String,
    pub expired_next: String,
    pub expired_help: String,
    pub refused_title: String,
    pub refused_text: String,
}

const PLACEHOLDERS: &[&str] = &["insurer", "phone", "minutes", "space"];

/// The pages' texts of `profile_id` in `lang`, filled with `support`'s
/// contacts and a link's life in `minutes`.
pub fn pages(profile_id: &str, lang: Lang, support: &Support, minutes: u64) -> Result<PageTexts, ContentError> {
    let profile = profile(profile_id)?;
    let path = format!("pages/{profile_id}.{}.toml", lang.code());
    let mut texts: PageTexts = parse(&path)?;
    let invalid = |reason: String| ContentError::Invalid { path: path.clone(), reason };
    if texts.lang != lang.code() {
        return Err(invalid(format!("lang is \"{}\", not \"{}\"", texts.lang, lang.code())));
    }
    let minutes = minutes.to_string();
    texts.space = profile.space;
    let space = texts.space.clone();
    let values = [("insurer", support.insurer.as_str()), ("phone", support.phone.as_str()), ("minutes", minutes.as_str()), ("space", space.as_str())];
    for (name, text) in texts.all_mut() {
        check(text, PLACEHOLDERS, &[]).map_err(|e| invalid(format!("{name}: {e}")))?;
        *text = fill(text, &values);
    }
    Ok(texts)
}

impl PageTexts {
    fn all_mut(&mut self) -> Vec<(&'static str, &mut String)> {
        vec![
            ("skip_link", &mut self.skip_link),
            ("footer", &mut self.footer),
            ("title_reset", &mut self.title_reset),
            ("title_unlock", &mut self.title_unlock),
            ("title_registration", &mut self.title_registration),
            ("lead_reset", &mut self.lead_reset),
            ("lead_unlock", &mut self.lead_unlock),
            ("lead_registration", &mut self.lead_registration),
            ("new_password", &mut self.new_password),
            ("new_password_hint", &mut self.new_password_hint),
            ("confirmation", &mut self.confirmation),
            ("confirmation_hint", &mut self.confirmation_hint),
            ("rules_title", &mut self.rules_title),
            ("rules_live", &mut self.rules_live),
            ("rule_met", &mut self.rule_met),
            ("rule_unmet", &mut self.rule_unmet),
            ("match_yes", &mut self.match_yes),
            ("match_no", &mut self.match_no),
            ("submit", &mut self.submit),
            ("error_summary", &mut self.error_summary),
            ("app_title", &mut self.app_title),
            ("app_text", &mut self.app_text),
            ("app_link", &mut self.app_link),
            ("done_title", &mut self.done_title),
            ("done_reset", &mut self.done_reset),
            ("done_unlock", &mut self.done_unlock),
            ("done_registration", &mut self.done_registration),
            ("done_problem", &mut self.done_problem),
            ("done_notice", &mut self.done_notice),
            ("expired_title", &mut self.expired_title),
            ("expired_text", &mut self.expired_text),
            ("expired_next", &mut self.expired_next),
            ("expired_help", &mut self.expired_help),
            ("refused_title", &mut self.refused_title),
            ("refused_text", &mut self.refused_text),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_has_its_pages_in_both_languages_with_its_space() {
        for id in crate::profile_ids() {
            let support = crate::profile(&id).unwrap().support;
            for lang in [Lang::Fr, Lang::En] {
                let t = pages(&id, lang, &support, 30).unwrap_or_else(|e| panic!("{id} {lang:?}: {e}"));
                assert!(t.footer.contains(&support.phone) && t.footer.contains(&t.space), "{id} {lang:?}: {}", t.footer);
                assert!(t.expired_text.contains("30"), "{}", t.expired_text);
                let mut all = t.clone();
                for (name, text) in all.all_mut() {
                    assert!(!text.contains('{') && !text.contains('}'), "{id} {lang:?} {name}: {text}");
                }
            }
        }
        let mgen = pages("mgen", Lang::Fr, &crate::profile("mgen").unwrap().support, 30).unwrap();
        assert_eq!(mgen.space, "Espace personnel");
        assert!(mgen.done_reset.contains("Espace personnel") && !mgen.done_reset.contains("Espace adhérent"));
        let mpn = pages("mpn", Lang::Fr, &crate::profile("mpn").unwrap().support, 30).unwrap();
        assert_eq!(mpn.space, "Espace adhérent");
        assert_eq!(mpn.app_link, "Ouvrir dans l'application Borne Adhérent");
    }

    /// French typography: a no-break space before « : ; ! ? » and inside « ».
    #[test]
    fn french_pages_never_start_a_line_with_punctuation() {
        for id in crate::profile_ids() {
            let mut t = pages(&id, Lang::Fr, &crate::profile(&id).unwrap().support, 30).unwrap();
            for (name, text) in t.all_mut() {
                for bad in [" :", " ;", " !", " ?", "« ", " »"] {
                    assert!(!text.contains(bad), "{id} {name}: {bad:?} in {text}");
                }
            }
        }
    }
}
