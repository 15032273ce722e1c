region = "eu-west-1"
# A real token committed in a tfvars file; the spec only promises .tf/.tofu/.tf.json.
# expect: static-credential
github_token = "ghp_Vb3Nm8Qw2Er6Ty0Ui4Op7As1Df5Gh9Jk2Lz6X"
