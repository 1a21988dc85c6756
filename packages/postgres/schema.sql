-- keyward API keys: only the HMAC-SHA256 hash of each key is stored, never the key.
CREATE TABLE IF NOT EXISTS "keyward_api_keys" (
  id                text        NOT NULL,
  hash              text        NOT NULL,
  pepper_id         text,
  prefix            text        NOT NULL,
  start             text        NOT NULL,
  owner_id          text        NOT NULL,
  org_id            text,
  nickname          text        NOT NULL,
  scopes            text[]      NOT NULL DEFAULT '{}',
  metadata          jsonb       NOT NULL DEFAULT '{}',
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  expires_at        timestamptz,
  revoked_at        timestamptz,
  last_used_at      timestamptz,
  replaced_by_id    text,
  -- Set when a later key took over the nickname of this expired key.
  nickname_released boolean     NOT NULL DEFAULT false,
  CONSTRAINT "keyward_api_keys_pkey" PRIMARY KEY (id)
);

CREATE UNIQUE INDEX IF NOT EXISTS "keyward_api_keys_hash_key" ON "keyward_api_keys" (hash);

-- One holder of a nickname per owner (see the nickname rule in the README).
CREATE UNIQUE INDEX IF NOT EXISTS "keyward_api_keys_active_nickname_key" ON "keyward_api_keys" (owner_id, nickname)
  WHERE revoked_at IS NULL AND replaced_by_id IS NULL AND NOT nickname_released;

CREATE INDEX IF NOT EXISTS "keyward_api_keys_owner_created_idx" ON "keyward_api_keys" (owner_id, created_at);

-- listByOwner: the owner's keys not revoked, by (created_at, id), so a page skips revoked history.
CREATE INDEX IF NOT EXISTS "keyward_api_keys_owner_live_idx" ON "keyward_api_keys" (owner_id, created_at, id COLLATE "C")
  WHERE revoked_at IS NULL;

-- listByOrg: the same, per organization (every owner's keys), for organization admins.
CREATE INDEX IF NOT EXISTS "keyward_api_keys_org_live_idx" ON "keyward_api_keys" (org_id, created_at, id COLLATE "C")
  WHERE revoked_at IS NULL;

-- Audit events (appendAudit/listAudit): never key material nor hashes. Nothing is deleted by
-- keyward; prune old events yourself (DELETE ... WHERE at < now() - interval '90 days').
CREATE TABLE IF NOT EXISTS "keyward_api_keys_audit" (
  id         text        NOT NULL,
  type       text        NOT NULL,
  at         timestamptz NOT NULL,
  org_id     text,
  key_id     text,
  actor      text        NOT NULL,
  request_id text,
  data       jsonb       NOT NULL DEFAULT '{}',
  CONSTRAINT "keyward_api_keys_audit_pkey" PRIMARY KEY (id)
);

-- listAudit: an organization's events (org_id NULL: keys without one), newest first.
CREATE INDEX IF NOT EXISTS "keyward_api_keys_audit_org_at_idx" ON "keyward_api_keys_audit" (org_id, at DESC, id COLLATE "C" DESC);
