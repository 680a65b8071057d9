//! Pieces shared by several pages.

pub mod favorite_toggle;
mod movie_card;
mod pager;
mod states;
mod theme;

pub use favorite_toggle::FavoriteToggle;
pub use movie_card::{ABOVE_THE_FOLD, CardMovie, MovieCard, MovieGrid, MovieGridSkeleton};
pub use pager::{FormError, Pager, encode_query_value, query_string, use_page_number};
pub use states::ErrorNotice;
pub use theme::{Theme, ThemeSwitch};
