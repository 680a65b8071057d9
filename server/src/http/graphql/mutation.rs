//! The mutations: what a signed-in user does with a movie. Each answers with the movie, so a
//! client reads the new state (`mine`) in the same round trip. Adding what is already there
//! and removing what is not are both fine: the answer is the state asked for.

use std::sync::Arc;

use async_graphql::{Context, Object};
use services::accounts::store::Shelf;
use services::catalog::{CatalogError, DEFAULT_LANGUAGE};

use super::context::Viewer;
use super::error::{FieldError, FieldResult};
use super::types::{Movie, UPSTREAM_COST};
use crate::http::AppState;

pub struct Mutation;

/// Puts a movie on a shelf or takes it off, then answers with the movie.
async fn shelve(ctx: &Context<'_>, shelf: Shelf, movie_id: u64, on: bool) -> FieldResult<Movie> {
    let account = ctx.data_unchecked::<Viewer>().account()?;
    ctx.data_unchecked::<AppState>().library.set_on_shelf(shelf, account, movie_id, on).await?;
    movie(ctx, movie_id).await
}

async fn movie(ctx: &Context<'_>, movie_id: u64) -> FieldResult<Movie> {
    Movie::load(ctx, movie_id, Arc::from(DEFAULT_LANGUAGE))
        .await?
        .ok_or_else(|| FieldError::from(CatalogError::NotFound))
}

#[Object]
impl Mutation {
    /// Adds the movie to the user's favorites.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn add_favorite(&self, ctx: &Context<'_>, movie_id: u64) -> FieldResult<Movie> {
        shelve(ctx, Shelf::Favorites, movie_id, true).await
    }

    /// Takes the movie off the user's favorites.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn remove_favorite(&self, ctx: &Context<'_>, movie_id: u64) -> FieldResult<Movie> {
        shelve(ctx, Shelf::Favorites, movie_id, false).await
    }

    /// Adds the movie to the user's watchlist.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn add_to_watchlist(&self, ctx: &Context<'_>, movie_id: u64) -> FieldResult<Movie> {
        shelve(ctx, Shelf::Watchlist, movie_id, true).await
    }

    /// Takes the movie off the user's watchlist.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn remove_from_watchlist(&self, ctx: &Context<'_>, movie_id: u64) -> FieldResult<Movie> {
        shelve(ctx, Shelf::Watchlist, movie_id, false).await
    }

    /// Never recommend it again, and push similar movies down.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn mark_not_interested(&self, ctx: &Context<'_>, movie_id: u64) -> FieldResult<Movie> {
        shelve(ctx, Shelf::NotInterested, movie_id, true).await
    }

    /// Lets "For you" show the movie again.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn unmark_not_interested(&self, ctx: &Context<'_>, movie_id: u64) -> FieldResult<Movie> {
        shelve(ctx, Shelf::NotInterested, movie_id, false).await
    }

    /// Marks a movie seen with a rating from 1 to 10, or none (`rating: null`), replacing an
    /// earlier rating; it leaves the watchlist.
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn rate(&self, ctx: &Context<'_>, movie_id: u64, rating: Option<i32>) -> FieldResult<Movie> {
        let account = ctx.data_unchecked::<Viewer>().account()?;
        // Any whole number is taken, so that the library's check (1 to 10) is the one refusal
        // a client meets, with REST's code; 0 stands for everything that is not a byte.
        let rating = rating.map(|rating| u8::try_from(rating).unwrap_or(0));
        ctx.data_unchecked::<AppState>().library.rate(account, movie_id, rating).await?;
        movie(ctx, movie_id).await
    }

    /// No longer seen (and so no longer rated).
    #[graphql(complexity = "UPSTREAM_COST + child_complexity")]
    async fn unrate(&self, ctx: &Context<'_>, movie_id: u64) -> FieldResult<Movie> {
        let account = ctx.data_unchecked::<Viewer>().account()?;
        ctx.data_unchecked::<AppState>().library.forget_seen(account, movie_id).await?;
        movie(ctx, movie_id).await
    }
}
