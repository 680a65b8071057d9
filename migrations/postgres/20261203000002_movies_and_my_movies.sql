-- Users, movies, and what users do with movies. A movie is one row that favorites, the
-- watchlist, "seen" (with an optional rating) and "not interested" reference, instead of each
-- row copying a title and a poster; it is refreshed from TMDb when its details are fetched
-- and it is more than a day old, and marked (never silently kept) when TMDb stops knowing it.

create table movie (
    tmdb_id           bigint           primary key,
    title             text             not null,
    original_title    text,
    release_year      integer,
    -- TMDb genre ids, as a JSON array: read whole, never queried by element.
    genre_ids         text             not null default '[]',
    poster_path       text,
    popularity        double precision,
    vote_average      double precision,
    vote_count        bigint,
    original_language text,
    fetched_at        timestamptz      not null,
    -- When TMDb answered "not found" for it; cleared when it answers again.
    missing_since     timestamptz,
    constraint movie_tmdb_id_positive check (tmdb_id > 0)
);

-- Today's favorites bring their snapshots: the newest per movie. The epoch as fetch time makes
-- each one stale, so the next fetch of its details fills in what favorites never kept.
insert into movie (tmdb_id, title, poster_path, release_year, fetched_at)
select distinct on (tmdb_id) tmdb_id, title, poster_path, release_year, timestamptz '1970-01-01 00:00:00+00'
from favorite
order by tmdb_id, created_at desc;

alter table favorite
    drop column title,
    drop column poster_path,
    drop column release_year,
    add constraint favorite_movie_fkey foreign key (tmdb_id) references movie (tmdb_id);
-- Who else saved this movie ("people who saved X also saved Y").
create index favorite_movie_idx on favorite (tmdb_id, account_id);

create table watchlist (
    account_id uuid        not null references account (id) on delete cascade,
    tmdb_id    bigint      not null references movie (tmdb_id),
    created_at timestamptz not null,
    constraint watchlist_pkey primary key (account_id, tmdb_id)
);
create index watchlist_account_newest_idx on watchlist (account_id, created_at desc, tmdb_id desc);
create index watchlist_movie_idx on watchlist (tmdb_id, account_id);

-- Seen, with an optional rating from 1 to 10.
create table seen (
    account_id uuid        not null references account (id) on delete cascade,
    tmdb_id    bigint      not null references movie (tmdb_id),
    rating     smallint,
    seen_at    timestamptz not null,
    constraint seen_pkey primary key (account_id, tmdb_id),
    constraint seen_rating_range check (rating between 1 and 10)
);
create index seen_account_newest_idx on seen (account_id, seen_at desc, tmdb_id desc);
create index seen_account_rating_idx on seen (account_id, rating desc, seen_at desc, tmdb_id desc);
create index seen_movie_idx on seen (tmdb_id, account_id);

create table not_interested (
    account_id uuid        not null references account (id) on delete cascade,
    tmdb_id    bigint      not null references movie (tmdb_id),
    created_at timestamptz not null,
    constraint not_interested_pkey primary key (account_id, tmdb_id)
);
create index not_interested_account_newest_idx on not_interested (account_id, created_at desc, tmdb_id desc);
