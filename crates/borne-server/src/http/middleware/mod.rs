//! The layers every request goes through, in this order: the client's
//! address (`crate::client::resolve_address`), [`throttle::by_address`],
//! [`signature::verify_signature`], [`throttle::by_device`].

pub mod signature;
pub mod throttle;
