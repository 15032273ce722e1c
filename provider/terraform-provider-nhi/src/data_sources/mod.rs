pub mod jwks;
pub mod service_account;
pub mod service_accounts;
