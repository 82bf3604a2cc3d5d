//! What the OpenAPI schemas need beyond the derives (feature `openapi`):
//! the schema of `borne_core`'s password [`Rule`], a type this crate does not
//! own (the wire types refer to it as [`PasswordRule`]).

use borne_core::password::Rule;
use std::borrow::Cow;
use utoipa::openapi::schema::{Object, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;

/// Every rule, each with its name on the wire (serde's `snake_case`). The
/// match is exhaustive: a new rule does not compile until it is named here.
pub fn rule_names() -> Vec<&'static str> {
    use Rule::*;
    let all = [MinLength, MaxLength, Uppercase, Lowercase, Digit, NotCommon, NoPersonalInfo];
    all.iter()
        .map(|rule| match rule {
            MinLength => "min_length",
            MaxLength => "max_length",
            Uppercase => "uppercase",
            Lowercase => "lowercase",
            Digit => "digit",
            NotCommon => "not_common",
            NoPersonalInfo => "no_personal_info",
        })
        .collect()
}

/// The schema named `Rule`: a password rule the new password breaks.
pub struct PasswordRule;

impl utoipa::PartialSchema for PasswordRule {
    fn schema() -> RefOr<Schema> {
        let mut schema = Object::with_type(SchemaType::new(Type::String));
        schema.description = Some(
            "Règle de mot de passe enfreinte (`borne_core::password::Rule`) : `min_length` (au moins 8 caractères), \
             `max_length` (au plus 128), `uppercase`, `lowercase`, `digit`, `not_common` (pas un des mots de passe \
             les plus courants), `no_personal_info` (ni nom, ni prénom, ni NIR, ni date de naissance)."
                .into(),
        );
        schema.enum_values = Some(rule_names().into_iter().map(Into::into).collect());
        RefOr::T(Schema::Object(schema))
    }
}

impl utoipa::ToSchema for PasswordRule {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Rule")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_serdes() {
        use Rule::*;
        let names: Vec<String> = [MinLength, MaxLength, Uppercase, Lowercase, Digit, NotCommon, NoPersonalInfo]
            .iter()
            .map(|r| serde_json::to_value(r).unwrap().as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, rule_names());
    }
}
