-- Users, movies, and what users do with movies. A movie is one row that favorites, the
-- watchlist, "seen" (with an optional rating) and "not interested" reference, instead of each
-- row copying a title and a poster; it is refreshed from TMDb when its details are fetched
-- and it is more than a day old, and marked (never silently kept) when TMDb stops knowing it.

create table movie (
    tmdb_id           integer not null primary key,
    title             text    not null,
    original_title    text,
    release_year      integer,
    -- TMDb genre ids, as a JSON array: read whole, never queried by element.
    genre_ids         text    not null default '[]',
    poster_path       text,
    popularity        real,
    vote_average      real,
    vote_count        integer,
    original_language text,
    fetched_at        text    not null,
    -- When TMDb answered "not found" for it; cleared when it answers again.
    missing_since     text,
    constraint movie_tmdb_id_positive check (tmdb_id > 0)
);

-- Today's favorites bring their snapshots: the newest per movie (SQLite takes the bare
-- columns from the row holding the max). The epoch as fetch time makes each one stale, so the
-- next fetch of its details fills in what favorites never kept.
insert into movie (tmdb_id, title, poster_path, release_year, fetched_at)
select tmdb_id, title, poster_path, release_year, '1970-01-01T00:00:00+00:00'
from (select tmdb_id, title, poster_path, release_year, max(created_at) from favorite group by tmdb_id);

-- SQLite adds a foreign key and drops columns only by rebuilding the table.
create table favorite_new (
    account_id text    not null references account (id) on delete cascade,
    tmdb_id    integer not null references movie (tmdb_id),
    created_at text    not null,
    constraint favorite_pkey primary key (account_id, tmdb_id),
    constraint favorite_tmdb_id_positive check (tmdb_id > 0)
);
insert into favorite_new (account_id, tmdb_id, created_at) select account_id, tmdb_id, created_at from favorite;
drop table favorite;
alter table favorite_new rename to favorite;
create index favorite_account_newest_idx on favorite (account_id, created_at desc, tmdb_id desc);
-- Who else saved this movie ("people who saved X also saved Y").
create index favorite_movie_idx on favorite (tmdb_id, account_id);

create table watchlist (
    account_id text    not null references account (id) on delete cascade,
    tmdb_id    integer not null references movie (tmdb_id),
    created_at text    not null,
    constraint watchlist_pkey primary key (account_id, tmdb_id)
);
create index watchlist_account_newest_idx on watchlist (account_id, created_at desc, tmdb_id desc);
create index watchlist_movie_idx on watchlist (tmdb_id, account_id);

-- Seen, with an optional rating from 1 to 10.
create table seen (
    account_id text    not null references account (id) on delete cascade,
    tmdb_id    integer not null references movie (tmdb_id),
    rating     integer,
    seen_at    text    not null,
    constraint seen_pkey primary key (account_id, tmdb_id),
    constraint seen_rating_range check (rating between 1 and 10)
);
create index seen_account_newest_idx on seen (account_id, seen_at desc, tmdb_id desc);
create index seen_account_rating_idx on seen (account_id, rating desc, seen_at desc, tmdb_id desc);
create index seen_movie_idx on seen (tmdb_id, account_id);

create table not_interested (
    account_id text    not null references account (id) on delete cascade,
    tmdb_id    integer not null references movie (tmdb_id),
    created_at text    not null,
    constraint not_interested_pkey primary key (account_id, tmdb_id)
);
create index not_interested_account_newest_idx on not_interested (account_id, created_at desc, tmdb_id desc);
