//! borne-app against the in-process reference server (SQLite in a temp dir,
//! the demo members, the demo outbox for the codes, links and temporary
//! passwords): every path of the MPN and MGEN guides, with the stepper each
//! answer carries.

mod account;
mod change;
mod common;
mod forgot;
mod login;
mod register;
mod unlock_email;
mod unlock_sms;
