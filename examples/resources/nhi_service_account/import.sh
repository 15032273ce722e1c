# By registry id or by name:
terraform import nhi_service_account.exporter sa-0b5e2f0c-4a57-4d0e-9a43-7f1f8c2d9e11
terraform import nhi_service_account.exporter billing-exporter

# Terraform 1.12+ can also import by identity from an import block:
#   import {
#     to       = nhi_service_account.exporter
#     identity = { name = "billing-exporter" }   # or { id = "sa-…" }
#   }
