//! Pieces shared by several pages.

mod movie_card;
mod states;

pub use movie_card::{MovieCard, MovieGrid, MovieGridSkeleton};
pub use states::ErrorNotice;
