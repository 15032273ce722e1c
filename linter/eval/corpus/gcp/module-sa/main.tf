locals {
  services = {
    ingest = {
      description = "Pub/Sub ingestion worker (owner: data-eng@acme.io)"
      roles       = ["roles/pubsub.subscriber", "roles/bigquery.dataEditor"]
    }
    scheduler = {
      description = "Cloud Scheduler invoker (owner: data-eng@acme.io)"
      roles       = ["roles/run.invoker"]
    }
  }
}

module "service_accounts" {
  source   = "./modules/service-account"
  for_each = local.services

  project_id   = "acme-data"
  account_id   = each.key
  description  = each.value.description
  project_role = each.value.roles
}

# A risk that comes from a module input is reported on the call, at that input (since issue 8).
# expect: excessive-scope
module "admin_sa" {
  source = "./modules/service-account"

  project_id   = "acme-data"
  account_id   = "data-admin"
  description  = "Administers datasets (owner: data-eng@acme.io)"
  project_role = ["roles/editor"]
}
