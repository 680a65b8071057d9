pub mod home;
pub mod movie;
pub mod not_found;
pub mod search;
