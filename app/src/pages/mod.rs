pub mod account;
pub mod discover;
pub mod favorites;
pub mod for_you;
pub mod home;
pub mod movie;
pub mod not_found;
pub mod search;
