terraform {
  required_providers {
    nhi = {
      source = "nhi/nhi"
    }
  }
}

provider "nhi" {
  # sqlite://PATH (relative to the working directory) or sqlite:///absolute/path.db; or a
  # shared PostgreSQL registry, e.g. "postgres://nhi_provider@db.example.com/nhi?sslmode=verify-full"
  # with the password in PGPASSWORD. Falls back to $NHI_REGISTRY, then sqlite://nhi-registry.db.
  registry = "sqlite://nhi-registry.db"

  policy {
    max_lifetime  = "365d" # expires_at at most this far ahead
    warn_before   = "30d"  # plans warn inside this window
    owner_pattern = "^[a-z0-9._-]+@example\\.com$"
    enforcement   = "enforce" # or "advise": lifetime violations become warnings
  }
}
