//! The backend's wire types this crate uses, named in one place (they are
//! moving from `borne_core::api` to their own crate).

pub use borne_core::ErrorCode;
pub use borne_core::api::{
    Accepted, ChangePasswordRequest, Channel, ChannelOption, ForgotPasswordRequest, LoginResponse, MemberSummary, Purpose,
    RegisterRequest,
};
