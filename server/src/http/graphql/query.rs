//! The queries: the catalog's lists and movies for anyone, the user's lists and "For you" for
//! the signed-in. Every field calls the same services (with the same cache and validation) as
//! the REST route of the same name.

use std::sync::Arc;

use api_types::{
    DiscoverFilter, DiscoverSort, FavoriteMovie, Genre, HideMine, MyMovieCounts, RatedMovie, RatingsSort,
    TrendingWindow, User,
};
use async_graphql::{Context, Enum, InputObject, Object};
use services::accounts::AuthError;
use services::accounts::store::{SeenOrder, Shelf};
use services::catalog::{DEFAULT_LANGUAGE, Locale, MovieList};
use services::library::DEFAULT_PAGE_SIZE;

use super::context::Viewer;
use super::error::{FieldError, FieldResult};
use super::types::{ForYouPage, Movie, MoviePage, PageOf, Person, PersonPage, UPSTREAM_COST, movie_page};
use crate::http::AppState;

pub struct Query;

/// Which of the signed-in user's movies a list leaves out (REST's `hide=`).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum Hide {
    Seen,
    Watchlist,
    Favorites,
    NotInterested,
}

/// Discover's filters; every one given must match (REST's `/api/movies/discover/`).
#[derive(InputObject, Default)]
pub struct DiscoverInput {
    /// Genre ids or names; a movie must have all of them.
    #[graphql(default)]
    pub genres: Vec<String>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// 0 to 10.
    pub min_rating: Option<f64>,
    pub min_votes: Option<u32>,
    /// TMDb person ids (at most 10); a movie must have every one in its cast or crew.
    #[graphql(default)]
    pub with_people: Vec<u64>,
    #[graphql(default)]
    pub sort: DiscoverSort,
}

fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

/// The request's language for titles and overviews: the field's `language` argument, else the
/// site language that best fits the request's `Accept-Language`, as on REST.
fn language(ctx: &Context<'_>, language: Option<String>) -> Arc<str> {
    match language {
        Some(language) => Arc::from(language),
        None => ctx
            .data_opt::<AcceptedLanguage>()
            .map_or_else(|| Arc::from(DEFAULT_LANGUAGE), |accepted| accepted.0.clone()),
    }
}

/// The site language that best fits the request's `Accept-Language` (`en-US` without one).
pub struct AcceptedLanguage(pub Arc<str>);

fn locale(language: &str, region: Option<&str>) -> FieldResult<Locale> {
    Ok(services::catalog::locale(language, region)?)
}

/// A catalog list without what the user asked to hide. As in REST, hidden movies are taken out
/// of the page TMDb numbered, so the numbers stay the catalog's and a page may hold fewer.
async fn hiding(ctx: &Context<'_>, mut list: MoviePage, hide: Option<Vec<Hide>>) -> FieldResult<MoviePage> {
    let Some(hide) = hide.filter(|hide| !hide.is_empty()) else { return Ok(list) };
    let account = ctx.data_unchecked::<Viewer>().account()?;
    let hide = hide.iter().fold(HideMine::default(), |mut mine, kind| {
        match kind {
            Hide::Seen => mine.seen = true,
            Hide::Watchlist => mine.watchlist = true,
            Hide::Favorites => mine.favorites = true,
            Hide::NotInterested => mine.not_interested = true,
        }
        mine
    });
    let library = state(ctx).library.ids(account).await?;
    list.results.retain(|movie| !library.hides(hide, movie.tmdb_id()));
    Ok(list)
}

fn shelf_page(page: api_types::Page<FavoriteMovie>) -> PageOf<FavoriteMovie> {
    PageOf::of(page, |movie| movie)
}

#[Object]
impl Query {
    /// Trending movies of the day or the week.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn trending(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] window: TrendingWindow,
        #[graphql(default = 1)] page: u32,
        language: Option<String>,
        region: Option<String>,
        hide: Option<Vec<Hide>>,
    ) -> FieldResult<MoviePage> {
        let language = self::language(ctx, language);
        let list = state(ctx).catalog.trending(window, page, &locale(&language, region.as_deref())?).await?;
        hiding(ctx, movie_page(list, &language), hide).await
    }

    /// Popular movies.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn popular(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] page: u32,
        language: Option<String>,
        region: Option<String>,
        hide: Option<Vec<Hide>>,
    ) -> FieldResult<MoviePage> {
        curated(ctx, MovieList::Popular, page, language, region, hide).await
    }

    /// The best rated movies.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn top_rated(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] page: u32,
        language: Option<String>,
        region: Option<String>,
        hide: Option<Vec<Hide>>,
    ) -> FieldResult<MoviePage> {
        curated(ctx, MovieList::TopRated, page, language, region, hide).await
    }

    /// Movies coming to cinemas.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn upcoming(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] page: u32,
        language: Option<String>,
        region: Option<String>,
        hide: Option<Vec<Hide>>,
    ) -> FieldResult<MoviePage> {
        curated(ctx, MovieList::Upcoming, page, language, region, hide).await
    }

    /// Movies in cinemas now.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn now_playing(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] page: u32,
        language: Option<String>,
        region: Option<String>,
        hide: Option<Vec<Hide>>,
    ) -> FieldResult<MoviePage> {
        curated(ctx, MovieList::NowPlaying, page, language, region, hide).await
    }

    /// Movies whose title matches `query`.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        year: Option<i32>,
        #[graphql(default = 1)] page: u32,
        language: Option<String>,
        region: Option<String>,
        hide: Option<Vec<Hide>>,
    ) -> FieldResult<MoviePage> {
        let language = self::language(ctx, language);
        let locale = locale(&language, region.as_deref())?;
        let list = state(ctx).catalog.search(&query, year, page, &locale).await?;
        hiding(ctx, movie_page(list, &language), hide).await
    }

    /// Movies matching every filter given.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn discover(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: DiscoverInput,
        #[graphql(default = 1)] page: u32,
        language: Option<String>,
        region: Option<String>,
        hide: Option<Vec<Hide>>,
    ) -> FieldResult<MoviePage> {
        let language = self::language(ctx, language);
        let locale = locale(&language, region.as_deref())?;
        let filter = DiscoverFilter {
            genres: filter.genres.into_iter().map(|g| g.trim().to_owned()).filter(|g| !g.is_empty()).collect(),
            year_from: filter.year_from,
            year_to: filter.year_to,
            min_rating: filter.min_rating,
            min_votes: filter.min_votes,
            people: filter.with_people,
            sort: filter.sort,
        };
        let list = state(ctx).catalog.discover(&filter, page, &locale).await?;
        hiding(ctx, movie_page(list, &language), hide).await
    }

    /// One movie by its TMDb id; null when TMDb does not know it.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn movie(&self, ctx: &Context<'_>, id: u64, language: Option<String>) -> FieldResult<Option<Movie>> {
        let language = self::language(ctx, language);
        services::catalog::check_language(&language)?;
        Movie::load(ctx, id, language).await
    }

    /// One person by their TMDb id, with their filmography; null when TMDb does not know them.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn person(&self, ctx: &Context<'_>, id: u64, language: Option<String>) -> FieldResult<Option<Person>> {
        let language = self::language(ctx, language);
        match state(ctx).catalog.person(id, &language).await {
            Ok(person) => Ok(Some(Person::new(person, language))),
            Err(services::catalog::CatalogError::PersonNotFound) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// People whose name matches `query`.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn search_people(
        &self,
        ctx: &Context<'_>,
        query: String,
        #[graphql(default = 1)] page: u32,
        language: Option<String>,
        region: Option<String>,
    ) -> FieldResult<PersonPage> {
        let language = self::language(ctx, language);
        let locale = locale(&language, region.as_deref())?;
        let people = state(ctx).catalog.search_people(&query, page, &locale).await?;
        Ok(PageOf::of(people, |person| person))
    }

    /// Every genre.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn genres(&self, ctx: &Context<'_>, language: Option<String>) -> FieldResult<Vec<Genre>> {
        Ok(state(ctx).catalog.genres(&self::language(ctx, language)).await?)
    }

    /// The signed-in user.
    async fn me(&self, ctx: &Context<'_>) -> FieldResult<User> {
        let id = ctx.data_unchecked::<Viewer>().account()?;
        let account = state(ctx).accounts.account(id).await.map_err(|error| match error {
            AuthError::InvalidAccessToken(_) => {
                FieldError(services::failure::Failure::unauthorized("the account no longer exists"))
            }
            other => other.into(),
        })?;
        Ok(account.to_user())
    }

    /// How many movies the signed-in user has on each list.
    async fn my_counts(&self, ctx: &Context<'_>) -> FieldResult<MyMovieCounts> {
        let account = ctx.data_unchecked::<Viewer>().account()?;
        Ok(state(ctx).library.counts(account).await?)
    }

    /// The signed-in user's favorites, newest first.
    async fn favorites(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] page: u32,
        #[graphql(default_with = "DEFAULT_PAGE_SIZE")] page_size: u32,
    ) -> FieldResult<PageOf<FavoriteMovie>> {
        shelf(ctx, Shelf::Favorites, page, page_size).await
    }

    /// The signed-in user's watchlist, newest first.
    async fn watchlist(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] page: u32,
        #[graphql(default_with = "DEFAULT_PAGE_SIZE")] page_size: u32,
    ) -> FieldResult<PageOf<FavoriteMovie>> {
        shelf(ctx, Shelf::Watchlist, page, page_size).await
    }

    /// Movies the signed-in user is not interested in, newest first.
    async fn not_interested(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] page: u32,
        #[graphql(default_with = "DEFAULT_PAGE_SIZE")] page_size: u32,
    ) -> FieldResult<PageOf<FavoriteMovie>> {
        shelf(ctx, Shelf::NotInterested, page, page_size).await
    }

    /// What the signed-in user has seen, with their ratings.
    async fn ratings(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 1)] page: u32,
        #[graphql(default_with = "DEFAULT_PAGE_SIZE")] page_size: u32,
        #[graphql(default)] sort: RatingsSort,
    ) -> FieldResult<PageOf<RatedMovie>> {
        let account = ctx.data_unchecked::<Viewer>().account()?;
        let order = match sort {
            RatingsSort::Newest => SeenOrder::Newest,
            RatingsSort::Rating => SeenOrder::Rating,
        };
        let list = state(ctx).library.ratings(account, order, page, page_size).await?;
        Ok(PageOf::of(list, |movie| movie))
    }

    /// Recommendations for the signed-in user, with the reasons for each.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn for_you(&self, ctx: &Context<'_>, #[graphql(default = 1)] page: u32) -> FieldResult<ForYouPage> {
        let account = ctx.data_unchecked::<Viewer>().account()?;
        let (list, based_on) = state(ctx).for_you.page(account, page).await?;
        Ok(ForYouPage::new(list, based_on))
    }
}

async fn curated(
    ctx: &Context<'_>,
    kind: MovieList,
    page: u32,
    language: Option<String>,
    region: Option<String>,
    hide: Option<Vec<Hide>>,
) -> FieldResult<MoviePage> {
    let language = self::language(ctx, language);
    let list = state(ctx).catalog.list(kind, page, &locale(&language, region.as_deref())?).await?;
    hiding(ctx, movie_page(list, &language), hide).await
}

async fn shelf(ctx: &Context<'_>, shelf: Shelf, page: u32, page_size: u32) -> FieldResult<PageOf<FavoriteMovie>> {
    let account = ctx.data_unchecked::<Viewer>().account()?;
    Ok(shelf_page(state(ctx).library.list(shelf, account, page, page_size).await?))
}
