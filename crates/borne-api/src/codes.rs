//! The stable, machine-readable name of every error ([`ErrorCode`], part of
//! the API and of the UI contract: a code never changes meaning) and the
//! form field it belongs to ([`Field`]).

use borne_core::BorneError;
use serde::{Deserialize, Serialize};

/// The stable, machine-readable name of an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    IdentifierMissing,
    NirLength,
    NirCharacters,
    NirFirstDigit,
    NirKey,
    EmailInvalid,
    PasswordMissing,
    WrongPassword,
    UnknownProfile,
    AccountBlocked,
    TooManyRequests,
    SessionExpired,
    BackendUnavailable,
    BadRequest,
    BirthDateMissing,
    BirthDateFormat,
    BirthDateInvalid,
    BirthDateNirMismatch,
    MemberNumberMissing,
    PasswordPolicy,
    PasswordsDiffer,
    CurrentPasswordWrong,
    NotBlocked,
    IdentityNotVerified,
    CodeInvalid,
    CodeMissing,
    CodeFormat,
    CodeExpired,
    NoContactChannel,
    ChannelUnavailable,
    PasswordChangeRequired,
    DeviceUnauthorized,
    Unexpected,
    PhoneInvalid,
    ContactInUse,
    ContactUnchanged,
}

/// Which field of the form an error belongs to, so the UI can put the message
/// next to it and move the focus there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Identifier,
    Password,
    BirthDate,
    MemberNumber,
    Email,
    NewPassword,
    NewPasswordConfirmation,
    CurrentPassword,
    Code,
    /// The new e-mail address or mobile number of « Mes coordonnées ».
    Contact,
}

impl ErrorCode {
    /// Every code, in declaration order (a test checks each has a message in
    /// every language; add a new code here too).
    pub const ALL: [ErrorCode; 36] = {
        use ErrorCode::*;
        [
            IdentifierMissing, NirLength, NirCharacters, NirFirstDigit, NirKey, EmailInvalid, PasswordMissing,
            WrongPassword, UnknownProfile, AccountBlocked, TooManyRequests, SessionExpired, BackendUnavailable,
            BadRequest, BirthDateMissing, BirthDateFormat, BirthDateInvalid, BirthDateNirMismatch, MemberNumberMissing,
            PasswordPolicy, PasswordsDiffer, CurrentPasswordWrong, NotBlocked, IdentityNotVerified, CodeInvalid,
            CodeMissing, CodeFormat, CodeExpired, NoContactChannel, ChannelUnavailable, PasswordChangeRequired, DeviceUnauthorized, Unexpected,
            PhoneInvalid, ContactInUse, ContactUnchanged,
        ]
    };
}

/// The code and field of an error.
pub trait Coded {
    fn code(&self) -> ErrorCode;
    fn field(&self) -> Option<Field>;
}

impl Coded for BorneError {
    fn code(&self) -> ErrorCode {
        use BorneError::*;
        match self {
            IdentifierMissing => ErrorCode::IdentifierMissing,
            NirLength { .. } => ErrorCode::NirLength,
            NirCharacters => ErrorCode::NirCharacters,
            NirFirstDigit => ErrorCode::NirFirstDigit,
            NirKey => ErrorCode::NirKey,
            EmailInvalid => ErrorCode::EmailInvalid,
            PasswordMissing => ErrorCode::PasswordMissing,
            WrongPassword { .. } => ErrorCode::WrongPassword,
            UnknownProfile => ErrorCode::UnknownProfile,
            AccountBlocked => ErrorCode::AccountBlocked,
            TooManyRequests { .. } => ErrorCode::TooManyRequests,
            SessionExpired => ErrorCode::SessionExpired,
            BackendUnavailable => ErrorCode::BackendUnavailable,
            BadRequest => ErrorCode::BadRequest,
            BirthDateMissing => ErrorCode::BirthDateMissing,
            BirthDateFormat => ErrorCode::BirthDateFormat,
            BirthDateInvalid => ErrorCode::BirthDateInvalid,
            BirthDateNirMismatch => ErrorCode::BirthDateNirMismatch,
            MemberNumberMissing => ErrorCode::MemberNumberMissing,
            PasswordPolicy { .. } => ErrorCode::PasswordPolicy,
            PasswordsDiffer => ErrorCode::PasswordsDiffer,
            CurrentPasswordWrong => ErrorCode::CurrentPasswordWrong,
            NotBlocked => ErrorCode::NotBlocked,
            IdentityNotVerified => ErrorCode::IdentityNotVerified,
            CodeInvalid { .. } => ErrorCode::CodeInvalid,
            CodeMissing => ErrorCode::CodeMissing,
            CodeFormat => ErrorCode::CodeFormat,
            CodeExpired => ErrorCode::CodeExpired,
            NoContactChannel => ErrorCode::NoContactChannel,
            ChannelUnavailable => ErrorCode::ChannelUnavailable,
            PasswordChangeRequired => ErrorCode::PasswordChangeRequired,
            DeviceUnauthorized => ErrorCode::DeviceUnauthorized,
            Unexpected => ErrorCode::Unexpected,
            PhoneInvalid => ErrorCode::PhoneInvalid,
            ContactInUse => ErrorCode::ContactInUse,
            ContactUnchanged => ErrorCode::ContactUnchanged,
        }
    }

    fn field(&self) -> Option<Field> {
        use BorneError::*;
        match self {
            IdentifierMissing | NirLength { .. } | NirCharacters | NirFirstDigit | NirKey | EmailInvalid => {
                Some(Field::Identifier)
            }
            PasswordMissing | WrongPassword { .. } => Some(Field::Password),
            BirthDateMissing | BirthDateFormat | BirthDateInvalid | BirthDateNirMismatch => Some(Field::BirthDate),
            MemberNumberMissing => Some(Field::MemberNumber),
            PasswordPolicy { .. } => Some(Field::NewPassword),
            PasswordsDiffer => Some(Field::NewPasswordConfirmation),
            CurrentPasswordWrong => Some(Field::CurrentPassword),
            CodeInvalid { .. } | CodeMissing | CodeFormat => Some(Field::Code),
            PhoneInvalid | ContactInUse | ContactUnchanged => Some(Field::Contact),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiError;
    use borne_core::password::Rule;

    /// One error of each code, with details, through the wire type.
    pub(crate) fn one_of_each() -> Vec<BorneError> {
        ErrorCode::ALL
            .iter()
            .map(|&code| {
                ApiError { code, message: String::new(), attempts_left: Some(2), retry_after_secs: Some(90), rules: Some(vec![Rule::MinLength, Rule::NotCommon]) }
                    .into_error()
            })
            .collect()
    }

    #[test]
    fn all_codes_listed_once() {
        let errors = one_of_each();
        for (e, code) in errors.iter().zip(ErrorCode::ALL) {
            assert_eq!(e.code(), code);
        }
        let mut names: Vec<String> = ErrorCode::ALL.iter().map(|c| serde_json::to_string(c).unwrap()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn codes_are_snake_case_on_the_wire() {
        assert_eq!(serde_json::to_string(&ErrorCode::NirKey).unwrap(), "\"nir_key\"");
        assert_eq!(serde_json::to_string(&ErrorCode::AccountBlocked).unwrap(), "\"account_blocked\"");
    }
}
