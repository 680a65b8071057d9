//! A movie's page: backdrop, poster, facts, cast, trailer, and rows of related movies.

use api_types::MovieDetails;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::AppError;
use crate::components::{
    CardMovie, ErrorNotice, FavoriteToggle, MovieGrid, MyMovieControls, PersonTile, absolute_url, poster_srcset,
};

/// What the movie page shows: the details, and its rows of related movies as cards marked with
/// what the signed-in user has done with each.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MovieView {
    pub details: MovieDetails,
    /// The movie's genres as named on the page, each with the address of Discover filtered by
    /// it (by English name, the same in every language).
    pub genres: Vec<(String, String)>,
    pub recommended: Vec<CardMovie>,
    pub similar: Vec<CardMovie>,
}

/// Everything the movie page shows, in one call to the catalog service.
#[server(input = GetUrl)]
pub async fn get_movie(id: u64) -> Result<MovieView, AppError> {
    /// How many related movies each row under the details shows.
    const RELATED_SHOWN: usize = 12;
    let services = crate::server::services()?;
    let locale = crate::server::locale();
    let mut details = services.catalog.details(id, &locale).await?;
    let genres = genre_links(&services, &details.movie.genres, &locale.language).await;
    let cards =
        |movies: Vec<api_types::MovieSummary>| movies.into_iter().take(RELATED_SHOWN).map(CardMovie::from).collect();
    let (recommended, similar) =
        (cards(std::mem::take(&mut details.recommendations)), cards(std::mem::take(&mut details.similar)));
    let (recommended, similar) = crate::server::marked(recommended, similar).await;
    Ok(MovieView { details, genres, recommended, similar })
}

/// Each genre name with its Discover address; a name the genre list lacks (it failed, or TMDb
/// named it differently) links by that name.
#[cfg(feature = "ssr")]
async fn genre_links(
    services: &crate::server::ServerContext,
    names: &[String],
    language: &str,
) -> Vec<(String, String)> {
    let known = services.catalog.genres_with_english_names(language).await.unwrap_or_else(|error| {
        tracing::warn!(%error, "genre links named in the page's language");
        Vec::new()
    });
    names
        .iter()
        .map(|name| {
            let english = known.iter().find(|(genre, _)| genre.name == *name).map_or(name, |(_, english)| english);
            (name.clone(), format!("/discover?genre={}", crate::components::encode_query_value(english)))
        })
        .collect()
}

#[component]
pub fn MoviePage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|id| id.parse::<u64>().ok()));
    let movie = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_movie(id).await,
                None => Err(AppError::not_found()),
            }
        },
    );

    view! {
        <Suspense fallback=|| view! { <MovieSkeleton/> }>
            <ErrorBoundary fallback=move |errors| {
                mark_not_found(&errors);
                view! {
                    <Title text="Movie unavailable"/>
                    <Meta name="description" content="This movie could not be shown."/>
                    <ErrorNotice errors/>
                }
            }>
                {move || Suspend::new(async move { movie.await.map(|movie| view! { <MovieDetailsView movie/> }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// A missing movie (or person) is a 404 for the whole page, not just a message.
pub(crate) fn mark_not_found(errors: &ArcRwSignal<Errors>) {
    #[cfg(feature = "ssr")]
    {
        let missing = errors.with_untracked(|errors| {
            errors.iter().any(|(_, error)| {
                error.downcast_ref::<AppError>().is_some_and(|error| error.is(api_types::ErrorCode::NotFound))
            })
        });
        if missing && let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = errors;
}

#[component]
fn MovieDetailsView(movie: MovieView) -> impl IntoView {
    let MovieView { details, genres, recommended, similar } = movie;
    let movie = details.movie;
    let heading = match movie.year {
        Some(year) => format!("{} ({year})", movie.title),
        None => movie.title.clone(),
    };
    let facts: Vec<String> = [
        movie.year.map(|y| y.to_string()),
        details.certification.clone(),
        details.runtime.map(|m| format!("{}h {:02}m", m / 60, m % 60)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let rating = (movie.vote_count > 0).then(|| format!("{:.1}", movie.vote_average));
    let description = movie.overview.chars().take(160).collect::<String>();
    let address = absolute_url(&format!("/movie/{}", movie.id));
    view! {
        <Title text=movie.title.clone()/>
        <Meta name="description" content=description.clone()/>
        // A shared link shows a card: the title, the start of the overview and the poster.
        {address.clone().map(|address| view! { <Link rel="canonical" href=address/> })}
        <Meta property="og:type" content="video.movie"/>
        <Meta property="og:site_name" content="Nexus"/>
        <Meta property="og:title" content=heading.clone()/>
        <Meta property="og:description" content=description/>
        {address.map(|address| view! { <Meta property="og:url" content=address/> })}
        {movie.poster_url.clone().map(|poster| view! {
            <Meta property="og:image" content=poster/>
            <Meta property="og:image:alt" content=format!("Poster of {}", movie.title)/>
        })}
        <Meta name="twitter:card" content="summary"/>
        <article class="movie-page">
            <div class="backdrop" aria-hidden="true">
                {movie.backdrop_url.clone().map(|url| {
                    // TMDb serves the same backdrop at 1280 px for wide screens.
                    let srcset = url.contains("/w780/").then(|| format!("{url} 780w, {} 1280w", url.replace("/w780/", "/w1280/")));
                    view! { <img src=url srcset=srcset sizes="100vw" alt="" width="780" height="439" fetchpriority="high"/> }
                })}
            </div>
            <div class="movie-hero">
                <div class="poster">
                    {movie.poster_url.clone().map(|url| view! {
                        <img
                            srcset=poster_srcset(&url)
                            sizes="(max-width: 600px) 200px, 260px"
                            src=url
                            alt=format!("Poster of {}", movie.title)
                            width="342"
                            height="513"
                        />
                    })}
                </div>
                <div class="movie-facts">
                    <h1>{heading}</h1>
                    {details.tagline.clone().map(|tagline| view! { <p class="tagline">{tagline}</p> })}
                    <p class="facts">{facts.join(" · ")}</p>
                    {(!genres.is_empty()).then(|| view! {
                        <ul class="genre-chips" aria-label="Genres">
                            {genres.into_iter().map(|(name, address)| view! {
                                <li><a href=address>{name}</a></li>
                            }).collect_view()}
                        </ul>
                    })}
                    {rating.map(|rating| view! {
                        <p class="rating-large">
                            <span aria-hidden="true">"★ "</span>{rating}<span class="muted">" / 10 · "{thousands(movie.vote_count)}" votes"</span>
                        </p>
                    })}
                    <FavoriteToggle tmdb_id=movie.id/>
                    <MyMovieControls tmdb_id=movie.id/>
                    <p class="overview">{movie.overview.clone()}</p>
                    {directed_by(&details.crew)}
                    {details.trailer.clone().map(|trailer| view! {
                        <p><a class="button-link" href=trailer.url rel="noopener noreferrer" target="_blank">"Watch the trailer"</a></p>
                    })}
                </div>
            </div>
            {(!details.cast.is_empty()).then(|| view! {
                <section aria-labelledby="cast-heading">
                    <h2 id="cast-heading">"Cast"</h2>
                    <ul class="people" aria-label="Cast">
                        {details.cast.iter().map(|member| view! {
                            <PersonTile id=member.id name=member.name.clone() role=member.character.clone() photo=member.profile_url.clone()/>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!details.crew.is_empty()).then(|| view! {
                <section aria-labelledby="crew-heading">
                    <h2 id="crew-heading">"Crew"</h2>
                    <ul class="people" aria-label="Crew">
                        {details.crew.iter().map(|member| view! {
                            <PersonTile id=member.id name=member.name.clone() role=Some(member.jobs.join(", ")) photo=member.profile_url.clone()/>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!recommended.is_empty()).then(|| view! {
                <section aria-labelledby="recommended-heading">
                    <h2 id="recommended-heading">"If you like this"</h2>
                    <MovieGrid movies=recommended label="Recommended movies" eager=0/>
                </section>
            })}
            {(!similar.is_empty()).then(|| view! {
                <section aria-labelledby="similar-heading">
                    <h2 id="similar-heading">"Similar movies"</h2>
                    <MovieGrid movies=similar label="Similar movies" eager=0/>
                </section>
            })}
        </article>
    }
}

/// "Directed by", each director linking to their page. The crew holds every director (the
/// `directors` names come from the same credits), so it is the one source.
fn directed_by(crew: &[api_types::CrewMember]) -> Option<impl IntoView + use<>> {
    let directors: Vec<(u64, String)> = crew
        .iter()
        .filter(|member| member.jobs.iter().any(|job| job == "Director"))
        .map(|member| (member.id, member.name.clone()))
        .collect();
    (!directors.is_empty()).then(|| {
        let count = directors.len();
        view! {
            <p class="directed-by"><strong>"Directed by "</strong>
                {directors.into_iter().enumerate().map(|(index, (id, name))| view! {
                    {(index > 0).then(|| if index + 1 == count { " and " } else { ", " })}
                    <a href=format!("/person/{id}")>{name}</a>
                }).collect_view()}
            </p>
        }
    })
}

/// 465000 → "465,000".
fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_separated() {
        assert_eq!(super::thousands(465_000), "465,000");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(0), "0");
    }
}

#[component]
fn MovieSkeleton() -> impl IntoView {
    view! {
        <div class="movie-hero skeleton" aria-hidden="true">
            <div class="poster"></div>
            <div class="movie-facts"><span class="line"></span><span class="line short"></span></div>
        </div>
        <p class="visually-hidden" role="status">"Loading the movie…"</p>
    }
}
