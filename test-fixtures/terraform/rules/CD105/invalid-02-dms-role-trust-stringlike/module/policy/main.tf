variable "policy" {
  type = any
}

resource "aws_iam_role" "this" {
  assume_role_policy = jsonencode(var.policy)
}
