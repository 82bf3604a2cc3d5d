//! French typography of the texts members read: a non-breaking space
//! before « ! ? : ; » and inside « », so that no punctuation mark starts a
//! line. The content files (content/, ui/i18n/fr.js) are written that way
//! (checked by tests/typography.rs); the French messages written in Rust
//! (errors, answers, notices) go through [`french`].

/// U+00A0, the space French puts before « ! ? : ; » and inside « ».
pub const NBSP: char = '\u{a0}';

/// `text` with each plain space before « ! ? : ; », after « and before »
/// made a non-breaking one.
pub fn french(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut after_guillemet = false;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let plain = c == ' ' && (after_guillemet || matches!(next, Some('!' | '?' | ':' | ';' | '»')));
        out.push(if plain { NBSP } else { c });
        after_guillemet = c == '«';
    }
    out
}

/// The places in `text` where a plain space stands before « ! ? : ; » or
/// inside « » (each with a few characters around it); empty when the text
/// follows the rule.
pub fn faults(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for (i, pair) in chars.windows(2).enumerate() {
        let bad = matches!(pair, [' ', '!' | '?' | ':' | ';' | '»'] | ['«', ' ']);
        if bad {
            let from = i.saturating_sub(12);
            let to = (i + 14).min(chars.len());
            found.push(chars[from..to].iter().collect());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_puts_a_non_breaking_space_where_a_line_must_not_break() {
        let fixed = french("Mot de passe oublié ? Cliquez sur « Envoyer » : c'est fait ; merci !");
        assert_eq!(fixed, "Mot de passe oublié\u{a0}? Cliquez sur «\u{a0}Envoyer\u{a0}»\u{a0}: c'est fait\u{a0}; merci\u{a0}!");
        assert!(faults(&fixed).is_empty());
        // Spaces elsewhere, and URLs, stay as they are.
        assert_eq!(french("https://www.e-mpn.fr/?a=1 et 03 88"), "https://www.e-mpn.fr/?a=1 et 03 88");
    }

    #[test]
    fn faults_finds_every_plain_space_the_rule_forbids() {
        assert_eq!(faults("Oui ? Non !").len(), 2);
        assert_eq!(faults("« Valider »").len(), 2);
        assert_eq!(faults("heure : 10 ; fin").len(), 2);
        assert!(faults("Oui\u{a0}? «\u{a0}Valider\u{a0}»").is_empty());
        assert!(faults("Oui\u{202f}?").is_empty(), "a narrow no-break space is fine too");
    }
}
