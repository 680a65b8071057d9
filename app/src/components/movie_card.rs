use api_types::{FavoriteMovie, MovieSummary, MyMovieState, Recommendation};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// What a card shows, from any of the lists the app has (catalog, favorites, "For you"). The
/// UI's list server functions answer with these rather than full `MovieSummary`s: the islands
/// decode them (as props, and when they load a list), and the overview, genres and backdrop of
/// twenty movies would only weigh down the page and the WASM.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CardMovie {
    pub id: u64,
    pub title: String,
    pub year: Option<i32>,
    pub poster_url: Option<String>,
    /// Average out of 10, when anyone has voted.
    pub rating: Option<f64>,
    /// What the signed-in user has done with the movie; `None` for visitors, whose cards carry
    /// no controls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mine: Option<MyMovieState>,
}

impl CardMovie {
    /// The card with the user's state, so it offers the right controls.
    pub fn with_mine(self, mine: MyMovieState) -> Self {
        Self { mine: Some(mine), ..self }
    }
}

impl From<MovieSummary> for CardMovie {
    fn from(movie: MovieSummary) -> Self {
        Self {
            rating: (movie.vote_count > 0).then_some(movie.vote_average),
            id: movie.id,
            title: movie.title,
            year: movie.year,
            poster_url: movie.poster_url,
            mine: None,
        }
    }
}

impl From<FavoriteMovie> for CardMovie {
    fn from(movie: FavoriteMovie) -> Self {
        Self {
            id: movie.id,
            title: movie.title,
            year: movie.year,
            poster_url: movie.poster_url,
            rating: None,
            mine: None,
        }
    }
}

impl From<Recommendation> for CardMovie {
    fn from(recommendation: Recommendation) -> Self {
        recommendation.movie.into()
    }
}

/// A poster, title, year and rating; the poster and title are one link to the movie. Extra
/// content (a remove button, a "because you liked") goes below, outside the link.
#[component]
pub fn MovieCard(
    #[prop(into)] movie: CardMovie,
    #[prop(default = false)] eager: bool,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let id = movie.id;
    let actions = movie.mine.map(|mine| view! { <CardActions id title=movie.title.clone() mine/> });
    view! {
        <li class="movie-card" data-testid="movie-card" data-movie-id=id>
            <CardLink movie eager/>
            {actions}
            {children.map(|children| view! { <div class="movie-card-extra">{children()}</div> })}
        </li>
    }
}

/// A signed-in user's quick controls on a card: the watchlist, and "seen" (a rating is given
/// on the movie's page, where a seen movie's rating also shows here). Plain forms that post to
/// the same server functions as the movie page's controls and come back to this list, with or
/// without JavaScript.
#[component]
fn CardActions(id: u64, title: String, mine: MyMovieState) -> impl IntoView {
    use crate::components::my_movie_controls::{RateMovie, SetWatchlist};
    let (watchlist_text, watchlist_label) = if mine.watchlist {
        ("✓ Watchlist", format!("Remove {title} from your watchlist"))
    } else {
        ("+ Watchlist", format!("Add {title} to your watchlist"))
    };
    let seen = match (mine.seen, mine.rating) {
        (true, Some(rating)) => Some(format!("Your rating {rating}/10")),
        (true, None) => Some("Seen".to_owned()),
        (false, _) => None,
    };
    view! {
        <div class="card-actions" data-testid="card-actions">
            <form method="post" action=SetWatchlist::url()>
                <input type="hidden" name="tmdb_id" value=id/>
                <input type="hidden" name="watchlist" value=(!mine.watchlist).to_string()/>
                <button
                    type="submit"
                    class="chip"
                    aria-label=watchlist_label
                    aria-pressed=mine.watchlist.to_string()
                    data-testid="card-watchlist"
                >{watchlist_text}</button>
            </form>
            {match seen {
                // Taking "seen" back would also drop the rating: that is done on the movie's
                // page, deliberately, not by a stray tap on a card.
                Some(seen) => Either::Left(view! { <span class="chip done" data-testid="card-seen">{seen}</span> }),
                None => Either::Right(view! {
                    <form method="post" action=RateMovie::url()>
                        <input type="hidden" name="tmdb_id" value=id/>
                        <input type="hidden" name="rating" value=""/>
                        <button type="submit" class="chip" aria-label=format!("Mark {title} as seen") data-testid="card-mark-seen">
                            "Seen it"
                        </button>
                    </form>
                }),
            }}
        </div>
    }
}

/// The inside of a card: poster, title, year and rating, as one link to the movie.
#[component]
pub fn CardLink(movie: CardMovie, eager: bool) -> impl IntoView {
    let rating = movie.rating.map(one_decimal);
    view! {
            // The link is named by its text (title, year, rating); the poster beside the title
            // is decorative, so screen readers do not hear the title twice.
            <a href=format!("/movie/{}", movie.id)>
                <div class="poster">
                    {match movie.poster_url {
                        Some(url) => Either::Left(view! {
                            <img
                                srcset=poster_srcset(&url)
                                // Two columns of cards on a phone, about 150-200 px each beyond.
                                sizes="(max-width: 600px) 45vw, 200px"
                                src=url
                                alt=""
                                width="342"
                                height="513"
                                loading=if eager { "eager" } else { "lazy" }
                                decoding="async"
                            />
                        }),
                        None => Either::Right(view! { <span class="poster-missing" aria-hidden="true">{movie.title.clone()}</span> }),
                    }}
                </div>
                <div class="movie-card-text">
                    <h3 class="movie-title">{movie.title.clone()}</h3>
                    <p class="movie-meta">
                        {movie.year.map(|year| view! { <span data-testid="movie-year">{year}</span> })}
                        {rating.map(|rating| view! {
                            <span class="rating" title="Average rating out of 10">
                                <span aria-hidden="true">"★ "</span>
                                <span class="visually-hidden">"Rated "</span>
                                {rating}
                            </span>
                        })}
                    </p>
                </div>
            </a>
    }
}

/// The poster at TMDb's 185, 342 and 500 px widths, for `srcset`, so that a phone loads the
/// small one and a sharp screen the large one. The catalog sizes posters at w342.
pub fn poster_srcset(url: &str) -> Option<String> {
    url.contains("/w342/").then(|| {
        ["w185 185w", "w342 342w", "w500 500w"]
            .map(|size_and_width| {
                let (size, width) = size_and_width.split_once(' ').unwrap_or_default();
                format!("{} {width}", url.replace("/w342/", &format!("/{size}/")))
            })
            .join(", ")
    })
}

/// 7.25 → "7.3": a rating as the card shows it. By hand, because float formatting would add
/// its whole implementation to the WASM of every island that shows a card.
fn one_decimal(rating: f64) -> String {
    let tenths = (rating.clamp(0.0, 1000.0) * 10.0).round() as u32;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// How many cards are in the first rows on a wide screen: those load eagerly, the rest lazily.
pub const ABOVE_THE_FOLD: usize = 6;

/// A responsive grid of cards; the first `eager` posters load at once, the rest when near.
#[component]
pub fn MovieGrid(
    movies: Vec<CardMovie>,
    #[prop(into)] label: String,
    #[prop(default = ABOVE_THE_FOLD)] eager: usize,
) -> impl IntoView {
    view! {
        <ul class="movie-grid" aria-label=label>
            {movies
                .into_iter()
                .enumerate()
                .map(|(index, movie)| view! { <MovieCard movie eager=index < eager/> })
                .collect_view()}
        </ul>
    }
}

/// Placeholder cards of the same size, shown while a list loads.
#[component]
pub fn MovieGridSkeleton(#[prop(default = 12)] count: usize) -> impl IntoView {
    view! {
        <ul class="movie-grid skeleton" aria-hidden="true">
            {(0..count)
                .map(|_| view! {
                    <li class="movie-card">
                        <div class="poster"></div>
                        <div class="movie-card-text"><span class="line"></span><span class="line short"></span></div>
                    </li>
                })
                .collect_view()}
        </ul>
        <p class="visually-hidden" role="status">"Loading movies…"</p>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ratings_show_one_decimal() {
        assert_eq!(super::one_decimal(7.25), "7.3");
        assert_eq!(super::one_decimal(8.0), "8.0");
        assert_eq!(super::one_decimal(0.04), "0.0");
        assert_eq!(super::one_decimal(9.96), "10.0");
    }

    #[test]
    fn posters_come_in_three_widths_when_the_address_names_its_size() {
        use super::poster_srcset;
        assert_eq!(
            poster_srcset("https://image.tmdb.org/t/p/w342/abc.jpg").as_deref(),
            Some(
                "https://image.tmdb.org/t/p/w185/abc.jpg 185w, https://image.tmdb.org/t/p/w342/abc.jpg 342w, \
                 https://image.tmdb.org/t/p/w500/abc.jpg 500w"
            )
        );
        assert_eq!(poster_srcset("https://example.com/poster.jpg"), None);
    }
}
