-- Accounts, favorites and refresh tokens (SQLite, the embedded default).
-- Ids are UUID text. Times are UTC text written by the application (sqlx's chrono format),
-- never by SQLite defaults, so they compare correctly as text.

create table account (
    id            text not null primary key,
    email         text not null,
    password_hash text not null,
    created_at    text not null,
    constraint account_email_not_blank check (length(trim(email)) > 0)
);
-- Emails are unique regardless of case (the application lowercases them too: SQLite's
-- lower() folds ASCII only).
create unique index account_email_key on account (lower(email));

create table favorite (
    account_id   text    not null references account (id) on delete cascade,
    tmdb_id      integer not null,
    -- A snapshot of what a list shows, so listing favorites needs no upstream call.
    title        text    not null,
    poster_path  text,
    release_year integer,
    created_at   text    not null,
    constraint favorite_pkey primary key (account_id, tmdb_id),
    constraint favorite_tmdb_id_positive check (tmdb_id > 0)
);
-- A user's favorites, newest first.
create index favorite_account_newest_idx on favorite (account_id, created_at desc, tmdb_id desc);

create table refresh_token (
    id          text not null primary key,
    -- SHA-256 of the token: a leaked table does not leak usable tokens.
    token_hash  blob not null,
    -- Every token rotated from one sign-in shares a family; reuse of a spent token revokes it.
    family_id   text not null,
    account_id  text not null references account (id) on delete cascade,
    issued_at   text not null,
    expires_at  text not null,
    used_at     text,
    revoked_at  text,
    constraint refresh_token_hash_key unique (token_hash)
);
create index refresh_token_family_idx on refresh_token (family_id);
create index refresh_token_account_idx on refresh_token (account_id);
