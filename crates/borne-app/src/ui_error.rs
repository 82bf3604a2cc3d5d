//! The one error type every command returns to the UI: `{code, message}`,
//! plus the field it belongs to and, for a wrong password or code, the
//! attempts left. The message is in the member's language.

use crate::wire::{Coded, ErrorCode, Field};
use borne_core::support::Support;
use borne_core::{BorneError, Lang};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct UiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
}

impl UiError {
    pub fn new(e: &BorneError, lang: Lang, support: &Support) -> UiError {
        UiError::with_message(e, borne_content::errors::message(e, lang, support))
    }

    /// An error of the log-in form (a wrong temporary password is not « code »).
    pub fn at_log_in(e: &BorneError, lang: Lang, support: &Support) -> UiError {
        UiError::with_message(e, borne_content::errors::message_at_log_in(e, lang, support))
    }

    fn with_message(e: &BorneError, message: String) -> UiError {
        UiError {
            code: e.code(),
            message,
            field: e.field(),
            attempts_left: match e {
                BorneError::WrongPassword { attempts_left } | BorneError::CodeInvalid { attempts_left } => Some(*attempts_left),
                _ => None,
            },
        }
    }

    /// The same error, shown next to another field of the form.
    pub fn on(mut self, field: Field) -> UiError {
        self.field = Some(field);
        self
    }
}
