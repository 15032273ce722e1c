resource "random_password" "db" {
  length  = 32
  special = true
}

resource "aws_db_instance" "orders" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  allocated_storage   = 50
  username            = "orders_app"
  password            = random_password.db.result
  skip_final_snapshot = true
}

# expect: static-credential
resource "aws_db_instance" "reports" {
  identifier          = "reports"
  engine              = "mysql"
  instance_class      = "db.t4g.small"
  allocated_storage   = 20
  username            = "reports"
  password            = "Zq7!vR2#mK9pLx4@Tn8w"
  skip_final_snapshot = true
}

resource "aws_db_instance" "billing" {
  identifier                  = "billing"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "billing"
  manage_master_user_password = true
}

# Never rotated: no aws_secretsmanager_secret_rotation refers to it (NHI310, added with issue 8).
# expect: missing-ttl
resource "aws_secretsmanager_secret" "stripe" {
  name = "prod/stripe"
}

# expect: static-credential
resource "aws_secretsmanager_secret_version" "stripe" {
  secret_id = aws_secretsmanager_secret.stripe.id
  secret_string = jsonencode({
    api_key = "ghp_R8mZt2Qk7LwX4vN9pB3cY6fH1jD5sA0gE2uK"
  })
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.stripe.id
  secret_string = random_password.db.result
}

# expect: static-credential
resource "aws_ssm_parameter" "gitlab_token" {
  name  = "/ci/gitlab/token"
  type  = "SecureString"
  value = "glpat-Xy7Kq2vRt9LmN4bW8zPc"
}

resource "aws_ssm_parameter" "db_host" {
  name  = "/app/db/host"
  type  = "String"
  value = aws_db_instance.orders.address
}

# A placeholder-looking literal is still reported (issue 8: placeholders must not silence a finding).
# expect: static-credential
resource "aws_ssm_parameter" "placeholder" {
  name  = "/app/api/key"
  type  = "SecureString"
  value = "REPLACE_ME"

  lifecycle {
    ignore_changes = [value]
  }
}
