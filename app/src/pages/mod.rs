//! The pages, one module each. A page renders on the server; the interactive parts it contains
//! are islands, in the page's module (or in `components` when several pages share them).

pub mod account;
pub mod discover;
pub mod favorites;
pub mod for_you;
pub mod home;
pub mod movie;
pub mod my_movies;
pub mod not_found;
pub mod person;
pub mod search;
