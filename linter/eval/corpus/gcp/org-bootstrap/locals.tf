locals {
  org_id      = "987654321098"
  seed_project = "acme-seed"
  tf_sa_roles = [
    "roles/resourcemanager.folderCreator",
    "roles/billing.user",
    "roles/resourcemanager.projectCreator",
  ]
}
