# From a session-10 review: the fix wrote the sns instance's source_arn for both instances.
resource "aws_lambda_permission" "from" {
  for_each      = toset(["sns.amazonaws.com", "s3.amazonaws.com"])
  action        = "lambda:InvokeFunction"
  function_name = "fn"
  principal     = each.value
}
