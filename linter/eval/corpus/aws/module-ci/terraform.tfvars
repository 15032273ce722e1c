owner     = "platform-team@acme.io"
purpose   = "Partner deployments"
actions   = ["s3:GetObject"]
resources = ["arn:aws:s3:::acme-partner-drop/*"]
