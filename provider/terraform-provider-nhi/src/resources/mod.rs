pub mod api_key;
pub mod service_account;
