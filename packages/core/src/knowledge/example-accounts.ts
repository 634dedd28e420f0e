/**
 * Account IDs that AWS documentation uses as examples or placeholders, each with a page where AWS uses it.
 * No AWS page listing "the" example account IDs was found, so each entry cites a page that uses the ID in an
 * example policy or command. A guard value equal to one of these is almost certainly copied from the docs.
 */
export const DOCUMENTATION_EXAMPLE_ACCOUNTS: readonly { account: string; source: string }[] = [
  {
    account: "111122223333",
    source: "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
  },
  {
    account: "444455556666",
    source: "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
  },
  {
    account: "123456789012",
    source: "https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html",
  },
  {
    account: "012345678901",
    source: "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html",
  },
  {
    // Ten digits: not a valid account ID, but AWS's vended-logs policies use it as the SourceAccount value.
    account: "0123456789",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html",
  },
  {
    account: "111111111111",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CreateSubscriptionFilter-Account.html",
  },
  {
    account: "999999999999",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CreateSubscriptionFilter-Account.html",
  },
  {
    account: "222222222222",
    source:
      "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
  },
  {
    // The aws:SourceAccount value in AWS's Chime confused-deputy example.
    account: "112233446677",
    source: "https://docs.aws.amazon.com/chime-sdk/latest/ag/confused-deputy.html",
  },
  {
    // Used in the CloudWatch Logs Lambda subscription example, next to 123456789012 in the same command.
    account: "123456789123",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html",
  },
  {
    // Seen on the China-Regions copy of the page (docs.amazonaws.cn).
    account: "777788889999",
    source:
      "https://docs.amazonaws.cn/en_us/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-CloudWatchLogs.html",
  },
];

/**
 * Lower-case placeholder phrases that AWS examples put inside condition values (account and Region slots),
 * collected from the confused-deputy and policy pages read for the service table. Match them as substrings
 * of a lower-cased guard value.
 */
export const DOCUMENTATION_PLACEHOLDER_PHRASES: readonly string[] = [
  // Account slots
  "your aws account id", // Connect, WorkSpaces Applications (AppStream 2.0)
  "your-aws-account-id", // ELB access logs
  "your account id",
  "your-account-id",
  "your_account_id", // DMS
  "accountnumber", // Personalize ("accountNumber")
  "accountid", // CloudTrail ("AccountID"), Config ("sourceAccountID")
  "account-id", // CloudTrail KMS, S3 notifications, vended logs ("account-ID")
  "account_id", // CloudTrail KMS ("account_ID")
  "<account-id>",
  "aws-account-id", // ELB access logs
  "myaccountid", // CloudTrail S3 bucket policy
  "sourceaccountid", // Config S3 bucket policy
  "source-account-id", // vended logs, S3 server access logging ("SOURCE-ACCOUNT-ID")
  "bucket-owner-account-id", // S3 event notifications
  "elb-account-id", // ELB access logs
  // Region slots
  "your_region", // DMS
  "your-region",
  "your region name", // Connect
  "your region-name", // Connect
  "your region", // Connect
  "region-name", // Connect
  "region-code", // EKS
  "sourceregion", // Config ("sourceRegion")
  "source-region", // vended logs
  // Resource slots that AWS leaves as prose
  "your amazon connect instance arn", // Connect
  "your sns topic arn", // Connect
  "your dead-letter queue arn", // Connect Customer Profiles
];
