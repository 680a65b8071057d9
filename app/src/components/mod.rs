//! Pieces shared by several pages.

mod browser;
pub mod favorite_toggle;
pub mod hide_mine;
mod link_preview;
pub mod locale_picker;
mod movie_card;
pub mod my_movie_controls;
mod pager;
mod people;
mod states;
mod theme;

pub use browser::{History, Latest, is_plain_click, on_back_or_forward};
pub use favorite_toggle::FavoriteToggle;
pub use hide_mine::{CardRefusal, HideMineToggle};
pub use link_preview::{LinkPreview, absolute_url};
pub use locale_picker::LocalePicker;
pub use movie_card::{ABOVE_THE_FOLD, CardLink, CardMovie, MovieCard, MovieGrid, MovieGridSkeleton, poster_srcset};
pub use my_movie_controls::MyMovieControls;
pub use pager::{FormError, Pager, encode_query_value, query_string, redirected_error, use_page_number};
pub use people::{PersonPhoto, PersonTile, initials, long_date};
pub use states::{ErrorNotice, ErrorText, RequestReference};
pub use theme::{Theme, ThemeSwitch};
