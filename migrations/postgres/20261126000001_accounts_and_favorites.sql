-- Accounts, favorites and refresh tokens (PostgreSQL).

create table account (
    id            uuid        primary key,
    email         text        not null,
    password_hash text        not null,
    created_at    timestamptz not null default now(),
    constraint account_email_not_blank check (length(trim(email)) > 0)
);
-- Emails are unique regardless of case.
create unique index account_email_key on account (lower(email));

create table favorite (
    account_id   uuid        not null references account (id) on delete cascade,
    tmdb_id      bigint      not null,
    -- A snapshot of what a list shows, so listing favorites needs no upstream call.
    title        text        not null,
    poster_path  text,
    release_year integer,
    created_at   timestamptz not null default now(),
    constraint favorite_pkey primary key (account_id, tmdb_id),
    constraint favorite_tmdb_id_positive check (tmdb_id > 0)
);
-- A user's favorites, newest first.
create index favorite_account_newest_idx on favorite (account_id, created_at desc, tmdb_id desc);

create table refresh_token (
    id          uuid        primary key,
    -- SHA-256 of the token: a leaked table does not leak usable tokens.
    token_hash  bytea       not null,
    -- Every token rotated from one sign-in shares a family; reuse of a spent token revokes it.
    family_id   uuid        not null,
    account_id  uuid        not null references account (id) on delete cascade,
    issued_at   timestamptz not null default now(),
    expires_at  timestamptz not null,
    used_at     timestamptz,
    revoked_at  timestamptz,
    constraint refresh_token_hash_key unique (token_hash)
);
create index refresh_token_family_idx on refresh_token (family_id);
create index refresh_token_account_idx on refresh_token (account_id);
