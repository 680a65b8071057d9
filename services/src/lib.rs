//! The hub's services, free of any UI code. The REST handlers and the UI's server functions
//! both call these, so each piece of logic lives in one place.

pub mod accounts;
pub mod cache;
pub mod catalog;
pub mod db;
pub mod failure;
pub mod for_you;
pub mod library;
pub mod limits;
pub mod locale;
pub mod tmdb;
