resource "aws_sns_topic" "t" {
  name = "t"
  # line 3
  # line 4
  # line 5 <- the tool points here
  policy = templatefile("${path.module}/policy.json.tpl", {
    other = "x"
  })
}
