terraform {
  required_providers {
    nhi = {
      source = "nhi/nhi"
    }
  }
}

provider "nhi" {
  # sqlite://PATH (relative to the working directory), sqlite:///absolute/path.db,
  # or postgres://user@host/db. Falls back to $NHI_REGISTRY, then sqlite://nhi-registry.db.
  registry = "sqlite://nhi-registry.db"

  policy {
    max_lifetime            = "365d" # expires_at at most this far ahead
    warn_before             = "30d"  # plans warn inside this window
    max_token_ttl           = "1h"
    static_key_max_lifetime = "90d"
    owner_pattern           = "^[a-z0-9._-]+@example\\.com$"
    enforcement             = "enforce" # or "advise": lifetime violations become warnings
  }
}
