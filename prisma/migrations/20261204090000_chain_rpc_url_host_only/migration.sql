-- chain.rpc_url is for display only (the indexer connects with the URL of its source
-- configuration), yet versions before the secrets work stored the path as well, and a
-- provider key may live in the path, the query or the credentials. Keep scheme://host[:port]
-- only, as the indexer now writes it; a value that is not a URL at all is dropped.
UPDATE "chain"
SET "rpc_url" = CASE
    WHEN "rpc_url" ~ '^[A-Za-z][A-Za-z0-9+.-]*://'
      THEN regexp_replace("rpc_url", '^([A-Za-z][A-Za-z0-9+.-]*://)(?:[^/?#]*@)?([^/?#]*).*$', '\1\2')
    ELSE NULL
  END
WHERE "rpc_url" IS NOT NULL;
