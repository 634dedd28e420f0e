import type { PolicySiteKind } from "@deputyguard/core";

/** A policy argument of a resource type: a dotted path goes through nested blocks (`inline_policy.policy`). */
export interface PolicyAttribute {
  path: string;
  kind: PolicySiteKind;
}

const resource = (path: string): PolicyAttribute => ({ path, kind: "resource-policy" });
const identity = (path: string): PolicyAttribute => ({ path, kind: "policy" });

/**
 * Where AWS provider resources hold IAM policies (argument names from the provider docs; compare
 * awslabs/terraform-iam-policy-validator's `iamPolicyAttributes`, with its `policy_document` fix for
 * Logs). Types not listed are still searched by policy shape.
 */
export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly PolicyAttribute[]>> = {
  aws_iam_role: [{ path: "assume_role_policy", kind: "trust-policy" }, identity("inline_policy.policy")],
  aws_iam_policy: [identity("policy")],
  aws_iam_role_policy: [identity("policy")],
  aws_iam_user_policy: [identity("policy")],
  aws_iam_group_policy: [identity("policy")],
  aws_ssoadmin_permission_set_inline_policy: [identity("inline_policy")],
  aws_s3_bucket: [resource("policy")],
  aws_s3_bucket_policy: [resource("policy")],
  aws_s3_access_point: [resource("policy")],
  aws_s3control_access_point_policy: [resource("policy")],
  aws_s3control_bucket_policy: [resource("policy")],
  aws_s3control_multi_region_access_point_policy: [resource("details.policy")],
  aws_s3control_object_lambda_access_point_policy: [resource("policy")],
  aws_s3tables_table_bucket_policy: [resource("resource_policy")],
  aws_s3tables_table_policy: [resource("resource_policy")],
  aws_sns_topic: [resource("policy")],
  aws_sns_topic_policy: [resource("policy")],
  aws_sqs_queue: [resource("policy")],
  aws_sqs_queue_policy: [resource("policy")],
  aws_cloudwatch_event_bus_policy: [resource("policy")],
  aws_cloudwatch_log_destination_policy: [resource("access_policy")],
  aws_cloudwatch_log_resource_policy: [resource("policy_document")],
  aws_kms_key: [resource("policy")],
  aws_kms_key_policy: [resource("policy")],
  aws_kms_external_key: [resource("policy")],
  aws_kms_replica_key: [resource("policy")],
  aws_kms_replica_external_key: [resource("policy")],
  aws_secretsmanager_secret: [resource("policy")],
  aws_secretsmanager_secret_policy: [resource("policy")],
  aws_api_gateway_rest_api: [resource("policy")],
  aws_api_gateway_rest_api_policy: [resource("policy")],
  aws_dynamodb_resource_policy: [resource("policy")],
  aws_dynamodb_table: [resource("resource_policy")],
  aws_kinesis_resource_policy: [resource("policy")],
  aws_glue_resource_policy: [resource("policy")],
  aws_codebuild_resource_policy: [resource("policy")],
  aws_ecr_registry_policy: [resource("policy")],
  aws_ecr_repository_policy: [resource("policy")],
  aws_ecrpublic_repository_policy: [resource("policy")],
  aws_efs_file_system_policy: [resource("policy")],
  aws_elasticsearch_domain: [resource("access_policies")],
  aws_elasticsearch_domain_policy: [resource("access_policies")],
  aws_opensearch_domain: [resource("access_policies")],
  aws_opensearch_domain_policy: [resource("access_policies")],
  aws_glacier_vault: [resource("access_policy")],
  aws_glacier_vault_lock: [resource("policy")],
  aws_backup_vault_policy: [resource("policy")],
  aws_codeartifact_domain_permissions_policy: [resource("policy_document")],
  aws_codeartifact_repository_permissions_policy: [resource("policy_document")],
  aws_sagemaker_model_package_group_policy: [resource("resource_policy")],
  aws_media_store_container_policy: [resource("policy")],
  aws_networkfirewall_resource_policy: [resource("policy")],
  aws_ses_identity_policy: [resource("policy")],
  aws_sesv2_email_identity_policy: [resource("policy")],
  aws_vpc_endpoint: [resource("policy")],
  aws_vpclattice_resource_policy: [resource("policy")],
  aws_vpclattice_auth_policy: [resource("policy")],
  aws_oam_sink_policy: [resource("policy")],
  aws_redshift_resource_policy: [resource("policy")],
  aws_redshiftserverless_resource_policy: [resource("policy")],
  aws_msk_cluster_policy: [resource("policy")],
  aws_schemas_registry_policy: [resource("policy")],
  aws_acmpca_policy: [resource("policy")],
  aws_iot_policy: [identity("policy")],
  aws_transfer_access: [identity("policy")],
  aws_transfer_user: [identity("policy")],
  aws_organizations_policy: [identity("content")],
  aws_lakeformation_resource: [],
  aws_cloudtrail_event_data_store: [resource("resource_policy")],
  aws_bedrockagentcore_agent_runtime: [],
};

/**
 * The function permissions among them, read with the AWS provider's argument names (the Cloud
 * Control provider's takes the same); the others are layer version permissions.
 */
export const FUNCTION_PERMISSION_TYPES = new Set(["aws_lambda_permission", "awscc_lambda_permission"]);

/** Resource types that become a Lambda permission (a statement Lambda writes for you). */
export const LAMBDA_PERMISSION_TYPES = new Set([
  "aws_lambda_permission",
  "aws_lambda_layer_version_permission",
  // The Cloud Control provider's, with the same argument names.
  "awscc_lambda_permission",
]);
