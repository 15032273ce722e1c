module "exporter" {
  source     = "./modules/exporter"
  name       = "ledger-exporter"
  owner      = "ledger@example.com"
  purpose    = "Exports the ledger to the auditors"
  expires_at = "2027-04-01T00:00:00Z"
  scopes     = ["ledger:read"]
}

# A risk that comes from a module input is reported on the call, at that input (since issue 8).
# expect: excessive-scope
module "exporter_wide" {
  source     = "./modules/exporter"
  name       = "ledger-wide"
  owner      = "ledger@example.com"
  purpose    = "Fixes ledger entries"
  expires_at = "2027-04-01T00:00:00Z"
  scopes     = ["ledger:*"]
}
