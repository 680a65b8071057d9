-- A session (a refresh-token family) becomes a row of its own, so that revoking it is one
-- write that no rotation in flight can undo, and so that it can end at a fixed time
-- (SESSION_MAX_DAYS) however often its tokens rotate.

create table refresh_family (
    id          uuid        primary key,
    account_id  uuid        not null references account (id) on delete cascade,
    created_at  timestamptz not null,
    -- The absolute end of the session: rotation never extends it.
    expires_at  timestamptz not null,
    revoked_at  timestamptz
);
create index refresh_family_account_idx on refresh_family (account_id);
-- The purge looks for ended and revoked sessions.
create index refresh_family_expires_idx on refresh_family (expires_at);
create index refresh_family_revoked_idx on refresh_family (revoked_at) where revoked_at is not null;

-- Today's sessions: started with their first token, ending 30 days later (the default of
-- SESSION_MAX_DAYS), revoked if any of their tokens was (revocation covered the family).
insert into refresh_family (id, account_id, created_at, expires_at, revoked_at)
select family_id, (array_agg(account_id))[1], min(issued_at), min(issued_at) + interval '30 days', max(revoked_at)
from refresh_token
group by family_id;

alter table refresh_token
    add constraint refresh_token_family_fkey foreign key (family_id) references refresh_family (id) on delete cascade,
    drop column revoked_at;
-- The purge deletes tokens past their expiry.
create index refresh_token_expires_idx on refresh_token (expires_at);
