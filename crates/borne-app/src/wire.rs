//! The backend's wire types this crate uses, named in one place (they are
//! `borne-api`'s).

pub use borne_api::{Coded, ErrorCode, Field};
pub use borne_api::{
    ChangePasswordRequest, Channel, ChannelOption, ForgotPasswordRequest, LoginResponse, MemberSummary, Purpose,
    RegisterRequest,
};
