pub mod service_account;
