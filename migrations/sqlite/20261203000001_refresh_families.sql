-- A session (a refresh-token family) becomes a row of its own, so that revoking it is one
-- write that no rotation in flight can undo, and so that it can end at a fixed time
-- (SESSION_MAX_DAYS) however often its tokens rotate.

create table refresh_family (
    id          text not null primary key,
    account_id  text not null references account (id) on delete cascade,
    created_at  text not null,
    -- The absolute end of the session: rotation never extends it.
    expires_at  text not null,
    revoked_at  text
);
create index refresh_family_account_idx on refresh_family (account_id);
-- The purge looks for ended and revoked sessions.
create index refresh_family_expires_idx on refresh_family (expires_at);
create index refresh_family_revoked_idx on refresh_family (revoked_at) where revoked_at is not null;

-- Today's sessions: started with their first token, ending 30 days later (the default of
-- SESSION_MAX_DAYS), revoked if any of their tokens was (revocation covered the family).
-- Times keep the application's format (RFC 3339, UTC) so that they still compare as text.
insert into refresh_family (id, account_id, created_at, expires_at, revoked_at)
select family_id, min(account_id), min(issued_at),
       strftime('%Y-%m-%dT%H:%M:%f+00:00', min(issued_at), '+30 days'), max(revoked_at)
from refresh_token
group by family_id;

-- SQLite adds a foreign key only by rebuilding the table.
create table refresh_token_new (
    id          text not null primary key,
    -- SHA-256 of the token: a leaked table does not leak usable tokens.
    token_hash  blob not null,
    -- Every token rotated from one sign-in shares a family; reuse of a spent token revokes it.
    family_id   text not null references refresh_family (id) on delete cascade,
    account_id  text not null references account (id) on delete cascade,
    issued_at   text not null,
    expires_at  text not null,
    used_at     text,
    constraint refresh_token_hash_key unique (token_hash)
);
insert into refresh_token_new (id, token_hash, family_id, account_id, issued_at, expires_at, used_at)
select id, token_hash, family_id, account_id, issued_at, expires_at, used_at from refresh_token;
drop table refresh_token;
alter table refresh_token_new rename to refresh_token;
create index refresh_token_family_idx on refresh_token (family_id);
create index refresh_token_account_idx on refresh_token (account_id);
-- The purge deletes tokens past their expiry.
create index refresh_token_expires_idx on refresh_token (expires_at);
