//! The schema's own object types: a movie whose details and the user's state of it load on
//! demand (batched), and the list shapes, with REST's numbers (`count`, `page`, `totalPages`).

use std::sync::Arc;

use api_types::{
    CastMember, CrewMember, FavoriteMovie, MovieDetails, MovieSummary, MyMovieState, Page, PersonCredit, PersonDetails,
    PersonSummary, RatedMovie, Reason, Recommendation as RecommendedMovie, RecommendationSource, Trailer, Video,
};
use async_graphql::{ComplexObject, Context, Object, OutputType, SimpleObject};
use services::catalog::Relation;

use super::context::{DetailsKey, Loaders, Viewer};
use super::error::{FieldError, FieldResult};
use crate::http::AppState;

/// What one call to the movie database costs in a query's complexity; lists cost their page
/// size times what each entry asks for. Together with the schema's limit this bounds the
/// upstream calls one request can make.
pub const UPSTREAM_COST: usize = 10;

/// A movie: what any list knows of it, and its details (runtime, cast, trailer, related
/// movies) when asked, fetched once per request for every movie of a selection together.
pub struct Movie {
    summary: MovieSummary,
    language: Arc<str>,
}

impl Movie {
    pub fn new(summary: MovieSummary, language: Arc<str>) -> Self {
        Self { summary, language }
    }

    pub fn tmdb_id(&self) -> u64 {
        self.summary.id
    }

    /// The movie with this id, through the request's details loader; `None` when TMDb does
    /// not know it.
    pub async fn load(ctx: &Context<'_>, id: u64, language: Arc<str>) -> FieldResult<Option<Self>> {
        let details = details(ctx, id, &language).await?;
        Ok(details.map(|details| Self::new(details.movie.clone(), language)))
    }

    async fn details(&self, ctx: &Context<'_>) -> FieldResult<Arc<MovieDetails>> {
        details(ctx, self.summary.id, &self.language)
            .await?
            .ok_or_else(|| FieldError::from(services::catalog::CatalogError::NotFound))
    }

    async fn related(&self, ctx: &Context<'_>, relation: Relation, page: u32) -> FieldResult<MoviePage> {
        let state = ctx.data_unchecked::<AppState>();
        let list = state.catalog.related(self.summary.id, relation, page, &self.language).await?;
        Ok(movie_page(list, &self.language))
    }
}

async fn details(ctx: &Context<'_>, id: u64, language: &Arc<str>) -> FieldResult<Option<Arc<MovieDetails>>> {
    let loaders = ctx.data_unchecked::<Loaders>();
    loaders.details.load_one(DetailsKey { id, language: language.clone() }).await
}

#[Object]
impl Movie {
    /// The TMDb id.
    async fn id(&self) -> u64 {
        self.summary.id
    }

    async fn title(&self) -> &str {
        &self.summary.title
    }

    async fn overview(&self) -> &str {
        &self.summary.overview
    }

    /// ISO date (`YYYY-MM-DD`), null when unknown.
    async fn release_date(&self) -> Option<&str> {
        self.summary.release_date.as_deref()
    }

    async fn year(&self) -> Option<i32> {
        self.summary.year
    }

    /// Genre names, in TMDb's order for the movie.
    async fn genres(&self) -> &[String] {
        &self.summary.genres
    }

    async fn vote_average(&self) -> f64 {
        self.summary.vote_average
    }

    async fn vote_count(&self) -> u64 {
        self.summary.vote_count
    }

    async fn popularity(&self) -> f64 {
        self.summary.popularity
    }

    /// Absolute, sized image URL; null when the movie has no poster.
    async fn poster_url(&self) -> Option<&str> {
        self.summary.poster_url.as_deref()
    }

    async fn backdrop_url(&self) -> Option<&str> {
        self.summary.backdrop_url.as_deref()
    }

    /// Minutes.
    #[graphql(complexity = 2)]
    async fn runtime(&self, ctx: &Context<'_>) -> FieldResult<Option<u32>> {
        Ok(self.details(ctx).await?.runtime)
    }

    #[graphql(complexity = 2)]
    async fn tagline(&self, ctx: &Context<'_>) -> FieldResult<Option<String>> {
        Ok(self.details(ctx).await?.tagline.clone())
    }

    /// The first ten billed.
    #[graphql(complexity = "2 + 10 * child_complexity")]
    async fn cast(&self, ctx: &Context<'_>) -> FieldResult<Vec<CastMember>> {
        Ok(self.details(ctx).await?.cast.clone())
    }

    #[graphql(complexity = 2)]
    async fn directors(&self, ctx: &Context<'_>) -> FieldResult<Vec<String>> {
        Ok(self.details(ctx).await?.directors.clone())
    }

    /// Directors, writers, composer and cinematographer, each person once with their jobs.
    #[graphql(complexity = "2 + 10 * child_complexity")]
    async fn crew(&self, ctx: &Context<'_>) -> FieldResult<Vec<CrewMember>> {
        Ok(self.details(ctx).await?.crew.clone())
    }

    /// The official YouTube trailer, else the first one.
    #[graphql(complexity = "2 + child_complexity")]
    async fn trailer(&self, ctx: &Context<'_>) -> FieldResult<Option<Trailer>> {
        Ok(self.details(ctx).await?.trailer.clone())
    }

    /// The YouTube trailers, teasers and clips, official ones first.
    #[graphql(complexity = "2 + 10 * child_complexity")]
    async fn videos(&self, ctx: &Context<'_>) -> FieldResult<Vec<Video>> {
        Ok(self.details(ctx).await?.videos.clone())
    }

    /// The US rating (e.g. `PG-13`), when known.
    #[graphql(complexity = 2)]
    async fn certification(&self, ctx: &Context<'_>) -> FieldResult<Option<String>> {
        Ok(self.details(ctx).await?.certification.clone())
    }

    /// Movies TMDb recommends to people who liked this one.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn recommendations(&self, ctx: &Context<'_>, #[graphql(default = 1)] page: u32) -> FieldResult<MoviePage> {
        self.related(ctx, Relation::Recommendations, page).await
    }

    /// Movies similar to this one.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn similar(&self, ctx: &Context<'_>, #[graphql(default = 1)] page: u32) -> FieldResult<MoviePage> {
        self.related(ctx, Relation::Similar, page).await
    }

    /// What the signed-in user has done with this movie; null when nobody is signed in.
    #[graphql(complexity = "1 + child_complexity")]
    async fn mine(&self, ctx: &Context<'_>) -> FieldResult<Option<MyMovieState>> {
        if ctx.data_unchecked::<Viewer>().optional_account()?.is_none() {
            return Ok(None);
        }
        let Some(mine) = &ctx.data_unchecked::<Loaders>().mine else { return Ok(None) };
        Ok(Some(mine.load_one(self.summary.id).await?.unwrap_or_default()))
    }
}

/// One page of a list, numbered as in REST: `page` from 1, `totalPages`, `count` across pages.
#[derive(SimpleObject)]
#[graphql(
    concrete(name = "MoviePage", params(Movie)),
    concrete(name = "SavedMoviePage", params(FavoriteMovie)),
    concrete(name = "RatedMoviePage", params(RatedMovie)),
    concrete(name = "PersonPage", params(PersonSummary))
)]
pub struct PageOf<T: OutputType> {
    /// How many items there are across all pages.
    pub count: u64,
    pub page: u32,
    pub total_pages: u32,
    pub has_next_page: bool,
    #[graphql(complexity = "20 * child_complexity")]
    pub results: Vec<T>,
}

pub type MoviePage = PageOf<Movie>;
pub type PersonPage = PageOf<PersonSummary>;

impl<T: OutputType> PageOf<T> {
    pub fn of<U>(page: Page<U>, item: impl FnMut(U) -> T) -> Self {
        let has_next_page = page.page < page.total_pages;
        let page = page.map(item);
        Self { count: page.count, page: page.page, total_pages: page.total_pages, has_next_page, results: page.results }
    }
}

pub fn movie_page(list: Page<MovieSummary>, language: &Arc<str>) -> MoviePage {
    PageOf::of(list, |summary| Movie::new(summary, language.clone()))
}

/// A person and their filmography; their movies are full `Movie`s, so their details and the
/// user's state load as on any list.
pub struct Person {
    details: PersonDetails,
    language: Arc<str>,
}

impl Person {
    pub fn new(details: PersonDetails, language: Arc<str>) -> Self {
        Self { details, language }
    }

    fn movies(&self, movies: &[MovieSummary]) -> Vec<Movie> {
        movies.iter().map(|movie| Movie::new(movie.clone(), self.language.clone())).collect()
    }

    fn credits(&self, credits: &[PersonCredit]) -> Vec<Credit> {
        credits
            .iter()
            .map(|credit| Credit {
                roles: credit.roles.clone(),
                movie: Movie::new(credit.movie.clone(), self.language.clone()),
            })
            .collect()
    }
}

#[Object]
impl Person {
    /// The TMDb person id.
    async fn id(&self) -> u64 {
        self.details.id
    }

    async fn name(&self) -> &str {
        &self.details.name
    }

    /// Empty when TMDb has none.
    async fn biography(&self) -> &str {
        &self.details.biography
    }

    /// ISO date (`YYYY-MM-DD`).
    async fn birthday(&self) -> Option<&str> {
        self.details.birthday.as_deref()
    }

    async fn deathday(&self) -> Option<&str> {
        self.details.deathday.as_deref()
    }

    async fn place_of_birth(&self) -> Option<&str> {
        self.details.place_of_birth.as_deref()
    }

    /// `Acting`, `Directing`, `Writing`, ...
    async fn known_for_department(&self) -> Option<&str> {
        self.details.known_for_department.as_deref()
    }

    async fn profile_url(&self) -> Option<&str> {
        self.details.profile_url.as_deref()
    }

    /// Up to eight of their movies, the most voted on first.
    #[graphql(complexity = "8 * child_complexity")]
    async fn known_for(&self) -> Vec<Movie> {
        self.movies(&self.details.known_for)
    }

    /// Movies they acted in, newest first.
    #[graphql(complexity = "20 * child_complexity")]
    async fn cast(&self) -> Vec<Credit> {
        self.credits(&self.details.cast)
    }

    /// Movies they worked on behind the camera, newest first, one entry per movie.
    #[graphql(complexity = "20 * child_complexity")]
    async fn crew(&self) -> Vec<Credit> {
        self.credits(&self.details.crew)
    }
}

/// One movie of a filmography.
#[derive(SimpleObject)]
pub struct Credit {
    /// The characters played (cast), or the jobs held (crew).
    pub roles: Vec<String>,
    pub movie: Movie,
}

/// A movie recommended to the user, and which of their movies led to it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Recommendation {
    /// The user's movies that point to this one, strongest first; empty for trending.
    pub because: Vec<Reason>,
    #[graphql(skip)]
    pub movie: MovieSummary,
}

#[ComplexObject]
impl Recommendation {
    async fn movie(&self) -> Movie {
        Movie::new(self.movie.clone(), Arc::from(services::catalog::DEFAULT_LANGUAGE))
    }
}

/// One page of "For you", and what it was built from.
#[derive(SimpleObject)]
pub struct ForYouPage {
    pub count: u64,
    pub page: u32,
    pub total_pages: u32,
    pub has_next_page: bool,
    pub based_on: RecommendationSource,
    #[graphql(complexity = "20 * child_complexity")]
    pub results: Vec<Recommendation>,
}

impl ForYouPage {
    pub fn new(page: Page<RecommendedMovie>, based_on: RecommendationSource) -> Self {
        let list =
            PageOf::of(page, |recommended| Recommendation { because: recommended.because, movie: recommended.movie });
        Self {
            count: list.count,
            page: list.page,
            total_pages: list.total_pages,
            has_next_page: list.has_next_page,
            based_on,
            results: list.results,
        }
    }
}
