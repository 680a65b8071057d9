use api_types::MovieSummary;
use leptos::prelude::*;

/// A poster, title, year and rating; the whole card is one link to the movie.
#[component]
pub fn MovieCard(movie: MovieSummary, #[prop(default = false)] eager: bool) -> impl IntoView {
    let label = match movie.year {
        Some(year) => format!("{} ({year})", movie.title),
        None => movie.title.clone(),
    };
    let rating = (movie.vote_count > 0).then(|| format!("{:.1}", movie.vote_average));
    view! {
        <li class="movie-card" data-testid="movie-card">
            <a href=format!("/movie/{}", movie.id) aria-label=label>
                <div class="poster">
                    {match movie.poster_url {
                        Some(url) => view! {
                            <img
                                src=url
                                alt=format!("Poster of {}", movie.title)
                                width="342"
                                height="513"
                                loading=if eager { "eager" } else { "lazy" }
                                decoding="async"
                            />
                        }.into_any(),
                        None => view! { <span class="poster-missing" aria-hidden="true">{movie.title.clone()}</span> }.into_any(),
                    }}
                </div>
                <div class="movie-card-text">
                    <h3 class="movie-title">{movie.title.clone()}</h3>
                    <p class="movie-meta">
                        {movie.year.map(|year| view! { <span>{year}</span> })}
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
        </li>
    }
}

/// A responsive grid of cards; the first row loads eagerly, the rest lazily.
#[component]
pub fn MovieGrid(movies: Vec<MovieSummary>, #[prop(into)] label: String) -> impl IntoView {
    const ABOVE_THE_FOLD: usize = 6;
    view! {
        <ul class="movie-grid" aria-label=label>
            {movies
                .into_iter()
                .enumerate()
                .map(|(index, movie)| view! { <MovieCard movie eager=index < ABOVE_THE_FOLD/> })
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
