# The R1 repro with the key given, from a variable not known before apply: the template's
# %{ if extra != "[]" } is undecided, and each text it may render is analysed.
variable "extra" {
  type = string
}

resource "aws_sns_topic" "t" {
  name = "t"
  # line 9
  # line 10
  # line 11
  policy = templatefile("${path.module}/policy.json.tpl", {
    extra = var.extra
  })
}
