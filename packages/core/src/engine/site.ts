import type { SourceRange } from "../model/source.js";
import type { SourceNode } from "../model/tree.js";
import type { PolicyValue, ValueSymbol } from "../model/values.js";
import type { Suppression } from "../report/suppress.js";

/** What a policy protects: a role (trust policy), a resource (resource policy), a Lambda function (permission). */
export type PolicySiteKind = "trust-policy" | "resource-policy" | "lambda-permission" | "policy";

/** The fields of an `AWS::Lambda::Permission` / `aws_lambda_permission`, as values with positions. */
export interface LambdaPermission {
  principal: PolicyValue;
  action?: PolicyValue;
  functionName?: PolicyValue;
  sourceArn?: PolicyValue;
  sourceAccount?: PolicyValue;
  principalOrgId?: PolicyValue;
  eventSourceToken?: PolicyValue;
  /**
   * `FunctionUrlAuthType` / `function_url_auth_type`: Lambda writes it as StringEquals
   * `lambda:FunctionUrlAuthType`, so the permission applies only to calls through the function's
   * URL with that auth type.
   */
  functionUrlAuthType?: PolicyValue;
  /**
   * `InvokedViaFunctionUrl` / `invoked_via_function_url` (AddPermission, October 2025): Lambda
   * writes it as Bool `lambda:InvokedViaFunctionUrl`, so `lambda:InvokeFunction` is allowed only
   * through the function's URL.
   */
  invokedViaFunctionUrl?: PolicyValue;
  /**
   * Guard arguments left out because they may turn out absent when deployed (a Terraform
   * conditional or `try` with a null alternative): what they depend on. The permission is judged
   * without them, and CD101 says so.
   */
  mayBeAbsent?: ValueSymbol[];
  /**
   * A permission generated from something else (a SAM function's event): the fix is written there,
   * in the properties that set the permission's arguments.
   */
  generatedFrom?: GeneratedPermissionSource;
}

/** Where a generated Lambda permission's arguments are written (see `LambdaPermission.generatedFrom`). */
export interface GeneratedPermissionSource {
  /** What generates it, as the fix names it, e.g. `the AlexaSkill event Alexa`. */
  place: string;
  /**
   * The property that sets each argument there, e.g. `{ eventSourceToken: "SkillId" }`; an argument
   * left out cannot be set there.
   */
  properties: Partial<Record<"sourceArn" | "sourceAccount" | "eventSourceToken", string>>;
}

/** The fields of a Lambda permission that hold a value (all but `mayBeAbsent` and `generatedFrom`). */
export type LambdaPermissionField = Exclude<keyof LambdaPermission, "mayBeAbsent" | "generatedFrom">;

/**
 * Where a policy lives, as an adapter found it. Rules never see the input format: only sites,
 * whose policy is a JSON-like tree with positions.
 */
export interface PolicySite {
  file: string;
  /** CloudFormation logical id or Terraform address; null for a bare policy file. */
  resource: string | null;
  /** E.g. `AWS::S3::BucketPolicy`, `aws_sqs_queue_policy`. */
  resourceType?: string;
  /** Where in the resource, e.g. `Properties.PolicyDocument`. */
  propertyPath?: string;
  kind: PolicySiteKind;
  /** The policy document, statement or statement list. Absent for Lambda permissions. */
  document?: SourceNode;
  permission?: LambdaPermission;
  /** Where the site begins (the permission resource, or the document). */
  range?: SourceRange;
  /** Suppressions written in the source next to this site (Terraform comments, CloudFormation Metadata). */
  suppressions?: Suppression[];
  /** Other places the finding concerns, e.g. the `.tf` source of a resource found in a plan. */
  related?: RelatedLocation[];
  /** For `Fn::If` branches and similar: which variant of the input this site is. */
  variant?: string;
  /**
   * Per statement (by index), the variant as it concerns that statement (the choices in it and in
   * what every statement depends on); a finding on a statement listed here takes this instead of
   * `variant`.
   */
  statementVariants?: ReadonlyArray<string | undefined>;
  /**
   * Terraform: the directories of the modules from the root to the one the site is in (absolute).
   * A change in a calling module changes what the site says (`--changed-since` reports it then).
   */
  moduleDirs?: readonly string[];
  /**
   * The account the site is deployed in, when its source names it (a CDK stack's environment in the
   * cloud assembly's manifest, `aws://123456789012/eu-west-1`). It is one of ours beside
   * `CheckOptions.accounts`, and the deploying account (`AWS::AccountId`) of this site.
   */
  ownAccount?: string;
  /**
   * The source can name the partition it is deployed to (CloudFormation's `${AWS::Partition}`): a
   * source ARN a fix writes uses it (`<PARTITION>`) when the policy's own ARNs name no partition,
   * so that the fix holds in aws-cn and aws-us-gov too.
   */
  deployPartition?: boolean;
}

/** Another place a finding concerns (SARIF related location). */
export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}
