trigger = "s3"
