{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "events.amazonaws.com"
      },
      "Action": "sns:Publish",
      "Resource": "*"
    }%{ if extra != "[]" },
    {
      "Effect": "Allow",
      "Principal": { "AWS": ${extra} },
      "Action": "sns:Publish",
      "Resource": "*"
    }
    %{~ endif }
  ]
}
