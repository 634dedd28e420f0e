import type { KeyPresence, ServiceKnowledge } from "./types.js";

/**
 * Service knowledge table: which AWS service principals act as confused deputies, which source ARNs they
 * present, and what AWS documents about guarding them. Every row cites the AWS pages it was taken from;
 * notes say where a fact could not be confirmed on an AWS page.
 *
 * keysSent is "unknown" unless an AWS page states the behaviour. No row uses "always": no page read for this
 * table says that a key is present on every call path of a service.
 */

const UNKNOWN_KEYS: { sourceArn: KeyPresence; sourceAccount: KeyPresence; sourceOrgId: KeyPresence } = {
  sourceArn: "unknown",
  sourceAccount: "unknown",
  sourceOrgId: "unknown",
};

const IAM_CONFUSED_DEPUTY = "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html";
const IAM_CONDITION_KEYS =
  "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html";
const IAM_PASSROLE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html";
const LAMBDA_RESOURCE_POLICIES =
  "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html";
const SNS_USE_CASES = "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html";
const CONNECT_CONFUSED_DEPUTY =
  "https://docs.aws.amazon.com/connect/latest/adminguide/cross-service-confused-deputy-prevention.html";
const VENDED_LOGS =
  "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html";

export const SERVICES: readonly ServiceKnowledge[] = [
  {
    service: "chime",
    name: "Amazon Chime / Amazon Chime SDK",
    principals: ["chime.amazonaws.com"],
    sourceArnFormats: [],
    accountInArn: false,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "AWS recommends only aws:SourceAccount for Chime; the page documents no aws:SourceArn value, so the table lists no ARN shape and the account check rests on aws:SourceAccount.",
      "AWS's own call-detail-record bucket example leaves the s3:GetBucketAcl statement without any condition and guards only s3:PutObject, with the example account 112233446677. A strict check flags AWS's sample; the tool reports it like any other unguarded statement.",
      "The Amazon Chime service reaches end of support on 2026-02-20 (notice on the Chime page); the Chime SDK page carries the same example.",
    ],
    sources: [
      "https://docs.aws.amazon.com/chime-sdk/latest/ag/confused-deputy.html",
      "https://docs.aws.amazon.com/chime/latest/ag/confused-deputy.html",
    ],
  },
  {
    service: "connect",
    name: "Amazon Connect",
    principals: ["connect.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "The chat message streaming example grants sns:Publish to connect.amazonaws.com guarded by aws:SourceAccount and ArnEquals on the instance ARN. AWS writes the value only as prose ('your Amazon Connect instance ARN'); the ARN shape is the Connect instance resource type.",
      "The page requires the account in aws:SourceArn to equal aws:SourceAccount when both are used.",
      "The page's wildcard example 'arn:aws:servicename::region-name::your AWS account ID:*' has the Region and account in the wrong fields; do not use it as a model.",
    ],
    sources: [CONNECT_CONFUSED_DEPUTY],
  },
  {
    service: "profile",
    name: "Amazon Connect Customer Profiles",
    principals: ["profile.amazonaws.com"],
    sourceArnFormats: [
      "arn:${Partition}:profile:${Region}:${Account}:domains/${DomainName}",
      "arn:${Partition}:profile:${Region}:${Account}:domains/${DomainName}/objects/${ObjectTypeName}",
    ],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "Examples cover KMS key policies, an SQS dead-letter queue policy and an S3 bucket policy for Identity Resolution (the S3 example uses ArnEquals with 'domains/*').",
      "AWS defects to expect in copied policies: one example spells the operator ' ArnEquals' with a leading space (IAM would not recognise it), and the dead-letter-queue example puts aws:SourceArn under StringEquals instead of an ARN operator.",
    ],
    sources: [CONNECT_CONFUSED_DEPUTY],
  },
  {
    service: "voiceid",
    name: "Amazon Connect Voice ID",
    principals: ["voiceid.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:voiceid:${Region}:${Account}:domain/${DomainId}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "The Voice ID example is a role trust policy (sts:AssumeRole) with ArnEquals on the domain ARN plus aws:SourceAccount.",
    ],
    sources: [CONNECT_CONFUSED_DEPUTY],
  },
  {
    service: "personalize",
    name: "Amazon Personalize",
    principals: ["personalize.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:personalize:${Region}:${Account}:*"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "For role trust policies AWS prescribes the wildcard value arn:aws:personalize:region:accountNumber:* (all Personalize resources of the account) under StringLike, together with aws:SourceAccount. The table records that documented pattern rather than individual resource types.",
    ],
    sources: [
      "https://docs.aws.amazon.com/personalize/latest/dg/cross-service-confused-deputy-prevention.html",
    ],
  },
  {
    service: "cloudtrail",
    name: "AWS CloudTrail",
    principals: ["cloudtrail.amazonaws.com"],
    sourceArnFormats: [
      "arn:${Partition}:cloudtrail:${Region}:${Account}:trail/${TrailName}",
      "arn:${Partition}:cloudtrail:${Region}:${Account}:eventdatastore/${EventDataStoreId}",
      "arn:${Partition}:cloudtrail:${Region}:${Account}:channel/${ChannelId}",
    ],
    accountInArn: true,
    keysSent: { sourceArn: "sometimes", sourceAccount: "sometimes", sourceOrgId: "unknown" },
    alternativeGuardKeys: [
      {
        key: "kms:EncryptionContext:aws:cloudtrail:arn",
        binds: "arn",
        source:
          "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
        note: "AWS's KMS key policy examples for trails restrict the encryption context to trail ARNs of named accounts (StringLike arn:aws:cloudtrail:*:account-id:trail/*).",
      },
    ],
    passRoleBound: false,
    notes: [
      "aws:SourceArn must be the ARN of the trail, event data store or channel; with a wildcard AWS says StringLike must be used.",
      "KMS key policies for CloudTrail Lake event data stores cannot use aws:SourceArn or aws:SourceAccount (AWS says they are not supported there), so keysSent is 'sometimes': do not demand source keys on an event-data-store key statement.",
      "For organization trails the aws:SourceAccount value is the management account, not the member account.",
      "Older bucket policies name per-Region CloudTrail accounts as AWS principals (arn:aws:iam::<id>:root) instead of the service principal; AWS's S3 bucket policy page shows such a policy and recommends replacing it.",
    ],
    sources: [
      "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cross-service-confused-deputy-prevention.html",
      "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
      "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
    ],
  },
  {
    service: "dms",
    name: "AWS Database Migration Service",
    principals: ["dms.amazonaws.com"],
    sourceArnFormats: [
      "arn:${Partition}:dms:${Region}:${Account}:rep:${ReplicationInstanceId}",
      "arn:${Partition}:dms:${Region}:${Account}:task:${TaskId}",
      "arn:${Partition}:dms:${Region}:${Account}:assessment-run:${AssessmentRunId}",
      "arn:${Partition}:dms:${Region}:${Account}:endpoint:${EndpointId}",
    ],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "Contradiction: the DMS page says a replication-instance ARN does not contain the account ID and that both keys are then required, yet its own examples (rep, task, assessment-run, endpoint) put the account in the fifth ARN field. The tool follows the ARN shape (accountInArn: true) for the SourceArn/SourceAccount consistency check and still recommends both keys, as the page asks.",
      "Confused-deputy conditions are supported only from DMS 3.4.7.",
      "AWS defect: the dms-vpc-role example uses the operator 'ArnEqual', which IAM does not know; expect it in copied policies.",
      "AWS writes the keys as 'AWS:SourceAccount' / 'AWS:SourceArn'; key names are case-insensitive.",
    ],
    sources: [
      "https://docs.aws.amazon.com/dms/latest/userguide/cross-service-confused-deputy-prevention.html",
    ],
  },
  {
    service: "config",
    name: "AWS Config",
    principals: ["config.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:config:${Region}:${Account}:*"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "For S3 delivery as the service principal, AWS says aws:SourceArn is set to arn:aws:config:sourceRegion:sourceAccountID:* (Region and account of the delivery channel); the table records that pattern. This describes the value on the S3 delivery path only, so keysSent stays 'unknown'.",
      "AWS's bucket policy example guards every statement with 'AWS:SourceAccount' only.",
      "When Config writes as the service principal (service-linked role, or IAM role without write access), organization conditions such as aws:PrincipalOrgID do not work.",
      "The confused-deputy page says both keys are needed when the SourceArn lacks the account (an S3 bucket ARN).",
    ],
    sources: [
      "https://docs.aws.amazon.com/config/latest/developerguide/cross-service-confused-deputy-prevention.html",
      "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html",
    ],
  },
  {
    service: "logs",
    name: "Amazon CloudWatch Logs",
    principals: ["logs.<region>.amazonaws.com"],
    sourceArnFormats: [
      "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:*",
      "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}",
      "arn:${Partition}:logs:${Region}:${Account}:destination:${DestinationName}",
    ],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [
      {
        key: "kms:EncryptionContext:aws:logs:arn",
        binds: "arn",
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
        note: "CloudWatch Logs puts the log group ARN in this encryption-context key; AWS recommends a key-policy condition on it to tie a KMS key to one account and log group.",
      },
    ],
    passRoleBound: false,
    notes: [
      "AWS's examples write the principal in regional form (logs.region.amazonaws.com) for subscription-filter role trust, Lambda permissions and KMS key policies. The KMS page says the principal must be in the Region of the key. No AWS page read for this table showed a global logs.amazonaws.com principal, so none is listed.",
      "A Lambda permission for a subscription filter uses a SourceArn of the form arn:aws:logs:region:account:log-group:Name:* (trailing ':*').",
      "AWS example defect: the Lambda subscription example passes --source-arn with account 123456789123 but --source-account 123456789012, so the two keys disagree.",
      "Older versions of the KMS page show the logs principal in a key policy with no condition at all.",
      "The current confused-deputy page for subscriptions also recommends aws:SourceOrgID and aws:SourceOrgPaths.",
    ],
    sources: [
      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Subscriptions-confused-deputy.html",
      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html",
      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CreateDestination.html",
    ],
  },
  {
    service: "delivery.logs",
    name: "CloudWatch Logs vended-log delivery",
    principals: ["delivery.logs.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:logs:${Region}:${Account}:*"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "AWS's auto-created log-group, S3 bucket and KMS key policies for vended logs (VPC flow logs, NLB access logs, Network Firewall, MSK, Route 53 resolver logs, ...) guard delivery.logs.amazonaws.com with aws:SourceAccount and ArnLike aws:SourceArn of the form arn:aws:logs:source-region:source-account-id:*.",
      "The AWS examples use the ten-digit placeholder account 0123456789.",
      "For Firehose destinations AWS uses the service-linked role AWSServiceRoleForLogDelivery, whose trust policy names delivery.logs.amazonaws.com; service-linked role trust policies cannot be edited.",
    ],
    sources: [VENDED_LOGS],
  },
  {
    service: "logging.s3",
    name: "Amazon S3 server access logging",
    principals: ["logging.s3.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:s3:::${BucketName}"],
    accountInArn: false,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "The SourceArn is the source bucket, which carries no account, so aws:SourceAccount is needed as well; AWS's example uses both (ArnLike on the source bucket, StringEquals on SOURCE-ACCOUNT-ID).",
      "The legacy alternative is a bucket ACL grant to the S3 log delivery group (http://acs.amazonaws.com/groups/s3/LogDelivery), which is not a policy principal.",
    ],
    sources: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"],
  },
  {
    service: "s3",
    name: "Amazon S3",
    principals: ["s3.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:s3:::${BucketName}"],
    accountInArn: false,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "Event notifications to SNS, SQS and Lambda: the SourceArn is the bucket ARN, which has no account, so AWS's examples pair it with aws:SourceAccount. The Lambda docs explain why: a deleted bucket name can be re-created by another account.",
      "The S3 destination-permission examples write the SourceArn as arn:aws:s3:*:*:bucket-name (wildcards in the empty Region and account fields) under ArnLike, and say StringLike may be used instead.",
      "The SNS page's S3 example uses aws:SourceAccount alone.",
      "AWS's KMS key policy example for encrypted SNS/SQS destinations grants s3.amazonaws.com kms:GenerateDataKey and kms:Decrypt without any condition.",
    ],
    sources: [
      "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html",
      LAMBDA_RESOURCE_POLICIES,
      SNS_USE_CASES,
    ],
  },
  {
    service: "sns",
    name: "Amazon SNS",
    principals: ["sns.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:sns:${Region}:${Account}:${TopicName}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [
      {
        key: "aws:SourceOwner",
        binds: "account",
        source: SNS_USE_CASES,
        note: "Legacy key that SNS evaluates in SNS topic policies: the console's default topic policy uses it for the topic owner, and AWS's SES-to-SNS example uses it to name the account that owns the calling service's resource. It binds an account only in policies on SNS topics (SNS is the called service), whatever the calling principal.",
      },
    ],
    passRoleBound: false,
    notes: [
      "SNS to SQS: AWS's queue policy example guards sns.amazonaws.com with ArnEquals aws:SourceArn on the topic ARN only (the account is in the ARN).",
      "SNS to Lambda: the Lambda docs use add-permission --principal sns.amazonaws.com --source-arn <topic ARN>.",
      "aws:SourceOwner appears on this row because SNS documents it; see the key's note for where it applies.",
    ],
    sources: [SNS_USE_CASES, LAMBDA_RESOURCE_POLICIES],
  },
  {
    service: "sqs",
    name: "Amazon SQS",
    principals: ["sqs.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:sqs:${Region}:${Account}:${QueueName}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "UNVERIFIED: no AWS page read for this table shows sqs.amazonaws.com as a principal in a policy example. The row exists because the table must cover SQS; the principal name and the queue ARN shape follow the usual conventions and should be confirmed before relying on them.",
      "The SQS page cited covers confused-deputy guards for services that send to SQS queues (SQS as the called service), which are handled by the calling services' rows.",
    ],
    sources: [
      "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-least-privilege-policy.html",
    ],
  },
  {
    service: "events",
    name: "Amazon EventBridge",
    principals: ["events.amazonaws.com"],
    sourceArnFormats: [
      "arn:${Partition}:events:${Region}:${Account}:rule/${RuleName}",
      "arn:${Partition}:events:${Region}:${Account}:rule/${EventBusName}/${RuleName}",
    ],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "For event bus rule targets AWS says aws:SourceArn must be the rule ARN; the API Gateway target example uses ArnEquals with arn:aws:events:region:account-id:rule/rule-name.",
      "The rule ARN on a custom event bus includes the bus name (second format); this shape comes from the EventBridge rule resource type, not from an example on the pages cited.",
      "Peer report (terraform-provider-aws PR #4116, 2018, not an AWS page): adding a source account to a CloudWatch Events to Lambda permission broke invocation. Treat aws:SourceAccount presence for this principal as unconfirmed.",
    ],
    sources: [
      "https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html",
      "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
    ],
  },
  {
    service: "scheduler",
    name: "Amazon EventBridge Scheduler",
    principals: ["scheduler.amazonaws.com"],
    sourceArnFormats: [
      "arn:${Partition}:scheduler:${Region}:${Account}:schedule-group/${GroupName}",
      "arn:${Partition}:scheduler:${Region}:${Account}:schedule/${GroupName}/${ScheduleName}",
    ],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "AWS recommends aws:SourceArn and aws:SourceAccount in the schedule execution role's trust policy. The policy example itself was not visible in the excerpt read; the document history (2023-09-07) says confused-deputy prevention applies the execution role to a schedule group resource, so the schedule-group ARN is listed first. Confirm which ARN Scheduler sends before flagging a schedule-ARN value as wrong.",
    ],
    sources: [
      "https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html",
      "https://docs.aws.amazon.com/scheduler/latest/UserGuide/doc-history.html",
    ],
  },
  {
    service: "states",
    name: "AWS Step Functions",
    principals: ["states.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:states:${Region}:${Account}:stateMachine:${StateMachineName}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "The state-machine role page has a 'Prevent cross-service confused deputy issue' section; its policy example was not visible in the excerpt read, so the principal name and the state-machine ARN shape are the conventional ones and not confirmed from an AWS example.",
    ],
    sources: ["https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html"],
  },
  {
    service: "lambda",
    name: "AWS Lambda (execution role)",
    principals: ["lambda.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: true,
    notes: [
      "Lambda assumes a function's execution role; the role's trust policy must name lambda.amazonaws.com. The role reaches Lambda only by being passed when a function is created or updated, which needs iam:PassRole, and IAM says PassRole can pass a role only to a service in the same account. A foreign account therefore cannot make Lambda assume the role, which is why the row is passRoleBound.",
      "No AWS page read documents aws:SourceArn or aws:SourceAccount on Lambda's AssumeRole call; the function ARN shape is listed for completeness only.",
    ],
    sources: ["https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html", IAM_PASSROLE],
  },
  {
    service: "edgelambda",
    name: "Lambda@Edge (execution role)",
    principals: ["edgelambda.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: true,
    notes: [
      "AWS's Lambda@Edge trust policy example lists both lambda.amazonaws.com and edgelambda.amazonaws.com with no condition. The role is passed with the function (iam:PassRole, same account only), hence passRoleBound.",
      "No AWS page read documents source keys for edgelambda.amazonaws.com; the function ARN shape is listed for completeness only.",
    ],
    sources: [
      "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-permissions.html",
      IAM_PASSROLE,
    ],
  },
  {
    service: "apigateway",
    name: "Amazon API Gateway",
    principals: ["apigateway.amazonaws.com"],
    sourceArnFormats: [
      "arn:${Partition}:execute-api:${Region}:${Account}:${ApiId}/${Stage}/${Method}/${ApiSpecificResourcePath}",
    ],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "AWS's logging page tells you to create a CloudWatch role with apigateway.amazonaws.com as its trusted entity (account-level cloudWatchRoleArn setting) and gives no trust-policy condition.",
      "The execute-api ARN shape (used as SourceArn on Lambda permissions for API Gateway) is the execute-api resource type; it was not confirmed from an example on the pages read.",
    ],
    sources: ["https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html"],
  },
  {
    service: "sagemaker",
    name: "Amazon SageMaker AI",
    principals: ["sagemaker.amazonaws.com"],
    sourceArnFormats: [
      "arn:${Partition}:sagemaker:${Region}:${Account}:training-job/${TrainingJobName}",
      "arn:${Partition}:sagemaker:${Region}:${Account}:*",
    ],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "The training-job example is a role trust policy with ArnLike aws:SourceArn only; AWS notes aws:SourceAccount is unnecessary because the account is in the ARN.",
      "The page has further sections (Edge Manager, images, inference, batch transform, Marketplace, Neo, Pipelines, processing, Studio) that were not read; the generic arn:...:sagemaker:region:account:* pattern is the page's general example.",
    ],
    sources: ["https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html"],
  },
  {
    service: "eks",
    name: "Amazon EKS",
    principals: ["eks.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "AWS says the aws:SourceArn value must be the cluster ARN and shows ArnLike on it plus aws:SourceAccount. This contradicts Prowler, which exempts eks.amazonaws.com; the tool follows the AWS page and checks EKS.",
    ],
    sources: [
      "https://docs.aws.amazon.com/eks/latest/userguide/cross-service-confused-deputy-prevention.html",
    ],
  },
  {
    service: "ecs-tasks",
    name: "Amazon ECS task roles",
    principals: ["ecs-tasks.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:ecs:${Region}:${Account}:task/${ClusterName}/${TaskId}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: true,
    notes: [
      "Task roles and task execution roles trust ecs-tasks.amazonaws.com. The ECS page says users need iam:PassRole to use task roles, and IAM says PassRole works only within the same account, so the row is passRoleBound.",
      "The version of the task-role page read shows the trust policy without conditions. The task ARN shape is the ECS task resource type and was not confirmed as the SourceArn ECS sends.",
    ],
    sources: [
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
      IAM_PASSROLE,
    ],
  },
  {
    service: "ec2",
    name: "Amazon EC2 (instance profile roles)",
    principals: ["ec2.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: true,
    notes: [
      "IAM's PassRole page uses EC2 as its example: a role is passed to EC2 for an instance, and PassRole can pass a role only to a service in the same account. A foreign account cannot attach your role to its instance, hence passRoleBound.",
      "No AWS page read documents source keys on EC2's AssumeRole call; the instance ARN shape is listed for completeness only.",
    ],
    sources: [IAM_PASSROLE],
  },
  {
    service: "backup",
    name: "AWS Backup",
    principals: ["backup.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:backup:${Region}:${Account}:backup-vault:${BackupVaultName}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "AWS says aws:SourceArn must be a backup vault when AWS Backup publishes to SNS topics on your behalf, and that the SourceArn account must equal aws:SourceAccount when both are used.",
      "AWS Backup does not support cross-account SNS notifications (the topic must be in your own account).",
      "The principal name backup.amazonaws.com was not visible in the excerpt of the confused-deputy page read (the China-Regions copy); it is the conventional name.",
    ],
    sources: [
      "https://docs.amazonaws.cn/en_us/aws-backup/latest/devguide/cross-service-confused-deputy-prevention.html",
      "https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-notifications.html",
    ],
  },
  {
    service: "firehose",
    name: "Amazon Data Firehose",
    principals: ["firehose.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:firehose:${Region}:${Account}:deliverystream/${DeliveryStreamName}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "The version of the access-control page read gives the Firehose role trust policy (firehose.amazonaws.com, sts:AssumeRole) with no condition. The delivery-stream ARN shape comes from the same page's permission examples, not from a documented SourceArn.",
      "Like other roles handed to a service, the Firehose role is passed with iam:PassRole; the table marks only lambda, edgelambda, ec2 and ecs-tasks as passRoleBound, so Firehose trust policies are still judged.",
    ],
    sources: ["https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html"],
  },
  {
    service: "elasticloadbalancing",
    name: "Elastic Load Balancing access-log delivery",
    principals: ["logdelivery.elasticloadbalancing.amazonaws.com", "logdelivery.elb.amazonaws.com"],
    sourceArnFormats: [],
    accountInArn: false,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "Regions without a per-Region ELB account use logdelivery.elasticloadbalancing.amazonaws.com; Outposts use logdelivery.elb.amazonaws.com. AWS's bucket policies for both carry no source condition (the Outposts one only s3:x-amz-acl). The prefix AWSLogs/<your account> in the Resource is the only account binding shown.",
      "Older Regions grant the ELB account as an AWS principal instead; see ELB_LOG_DELIVERY_ACCOUNTS.",
    ],
    sources: [
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
    ],
  },
  {
    service: "appstream",
    name: "Amazon WorkSpaces Applications (AppStream 2.0)",
    principals: ["appstream.amazonaws.com"],
    sourceArnFormats: ["arn:${Partition}:appstream:${Region}:${Account}:fleet/${FleetName}"],
    accountInArn: true,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [],
    passRoleBound: false,
    notes: [
      "The elastic-fleet session-script bucket examples show either aws:SourceAccount alone or ArnLike aws:SourceArn on a fleet ARN alone.",
    ],
    sources: ["https://docs.aws.amazon.com/appstream2/latest/developerguide/example-elastic-fleets.html"],
  },
  {
    service: "ses",
    name: "Amazon SES (publishing to SNS)",
    principals: ["ses.amazonaws.com"],
    sourceArnFormats: [],
    accountInArn: false,
    keysSent: { ...UNKNOWN_KEYS },
    alternativeGuardKeys: [
      {
        key: "aws:SourceOwner",
        binds: "account",
        source: SNS_USE_CASES,
        note: "AWS's example for SES publishing to an SNS topic in another account guards ses.amazonaws.com with aws:SourceOwner (the account that owns the SES resource). Valid in SNS topic policies.",
      },
    ],
    passRoleBound: false,
    notes: [
      "Only the SNS topic-policy case was read; SES's own source ARN shapes were not researched, so none is listed.",
    ],
    sources: [SNS_USE_CASES],
  },
];

/** Pages with the general rules that apply to every row (key availability, account matching). */
export const SERVICE_KNOWLEDGE_GENERAL_SOURCES: readonly string[] = [IAM_CONFUSED_DEPUTY, IAM_CONDITION_KEYS];
