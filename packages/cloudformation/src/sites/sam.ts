import type { LambdaPermission, PolicyValue, ValuePart } from "@deputyguard/core";
import type { ResourceModel } from "../resolve/model.js";
import { NO_VALUE, type ResolveEnv, Resolver } from "../resolve/resolver.js";
import { PARTITION, REGION, SELF_ACCOUNT, unknownSymbol } from "../resolve/symbols.js";
import {
  getEntryOf,
  getOf,
  type ObjectNode,
  partsOf,
  type SourceNode,
  type SourceRange,
  scalarText,
} from "../tree.js";
import { resolveVariants } from "./find.js";

/** A Lambda permission that the SAM transform generates for a function's event source. */
export interface SamPermission {
  /** The logical id SAM gives the generated `AWS::Lambda::Permission`. */
  logicalId: string;
  propertyPath: string;
  permission: LambdaPermission;
  range: SourceRange | undefined;
  variant: string | undefined;
}

/*
 * What the SAM transform generates per event type, from "CloudFormation resources generated when
 * AWS::Serverless::Function is specified"
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources-function.html)
 * and the event pages it links (sam-property-function-s3.html, -sns.html, -sqs.html,
 * -eventbridgerule.html, -schedule.html, -api.html, -httpapi.html, -cloudwatchlogs.html,
 * -iotrule.html, -cognito.html, -alexaskill.html under the same developer guide). Checked once
 * against aws-sam-translator 1.110.0 (samtranslator/model/eventsources/push.py): every push source
 * gets a permission (its logical id: `permissionId`) with lambda:InvokeFunction and
 *   S3            s3.amazonaws.com, SourceAccount = AWS::AccountId (no SourceArn)
 *   SNS           sns.amazonaws.com, SourceArn = the Topic
 *   Schedule, CloudWatchEvent, EventBridgeRule
 *                 events.amazonaws.com, SourceArn = the generated rule's Arn
 *   Api           apigateway.amazonaws.com, SourceArn = arn:<partition>:execute-api:<region>:<account>:<api>/<stage>/<METHOD><path>
 *   HttpApi       same shape as Api
 *   CloudWatchLogs logs.amazonaws.com, SourceArn = arn:...:logs:<region>:<account>:log-group:<name>:*
 *   IoTRule       iot.amazonaws.com, SourceArn = the generated topic rule, SourceAccount = AWS::AccountId
 *   Cognito       cognito-idp.amazonaws.com, SourceArn = the UserPool's Arn
 *   AlexaSkill    alexa-appkit.amazon.com, EventSourceToken = SkillId (none when SkillId is absent)
 * SQS, Kinesis, DynamoDB, MSK, MQ, DocumentDB and SelfManagedKafka are polled through an event
 * source mapping (the function's role reads them), and ScheduleV2 uses a role: no permission.
 */
const PRINCIPALS: Record<string, string> = {
  S3: "s3.amazonaws.com",
  SNS: "sns.amazonaws.com",
  Schedule: "events.amazonaws.com",
  CloudWatchEvent: "events.amazonaws.com",
  EventBridgeRule: "events.amazonaws.com",
  Api: "apigateway.amazonaws.com",
  HttpApi: "apigateway.amazonaws.com",
  CloudWatchLogs: "logs.amazonaws.com",
  IoTRule: "iot.amazonaws.com",
  Cognito: "cognito-idp.amazonaws.com",
  AlexaSkill: "alexa-appkit.amazon.com",
};

function value(parts: ValuePart[], range: SourceRange | undefined): PolicyValue {
  return range ? { parts, range } : { parts };
}

function partsOrUnknown(node: SourceNode | undefined, what: string): ValuePart[] {
  const p = node ? partsOf(node) : undefined;
  return p ?? [unknownSymbol(what, what, "not a string this tool can resolve")];
}

export function samEventPermissions(env: ResolveEnv, fn: ResourceModel): SamPermission[] {
  const events = fn.properties ? getOf(fn.properties, "Events") : undefined;
  if (events?.kind !== "object") return [];
  const out: SamPermission[] = [];
  for (const event of events.entries) {
    if (event.value.kind !== "object") continue;
    const type = scalarText(getOf(event.value, "Type"));
    if (!type) continue;
    const principalText = Object.hasOwn(PRINCIPALS, type) ? PRINCIPALS[type] : undefined;
    if (!principalText) continue;
    const range = event.keyRange ?? event.value.range;
    const generatedId = `${fn.id}${event.key}`;
    const propsNode = getEntryOf(event.value, "Properties")?.value ?? { kind: "object", entries: [] };
    for (const v of resolveVariants(env, propsNode)) {
      const props: ObjectNode =
        v.node !== NO_VALUE && v.node.kind === "object" ? v.node : { kind: "object", entries: [] };
      const permission: LambdaPermission = {
        principal: value([principalText], range),
        action: value(["lambda:InvokeFunction"], range),
        // A fix is written in the event: its SkillId (AlexaSkill) or Topic (SNS) set the
        // permission's EventSourceToken or SourceArn; no event property sets SourceAccount.
        generatedFrom: {
          place: `the ${type} event ${event.key}`,
          properties:
            type === "AlexaSkill"
              ? { eventSourceToken: "SkillId" }
              : type === "SNS"
                ? { sourceArn: "Topic" }
                : {},
        },
      };
      const get = (k: string) => getOf(props, k);
      const account = value([SELF_ACCOUNT], range);
      const resolver = new Resolver(env, { choose: () => 0 });
      switch (type) {
        case "S3":
          permission.sourceAccount = account;
          break;
        case "SNS":
          // With SqsSubscription SAM subscribes a queue instead: no permission (see samSnsQueuePolicies).
          if (sqsSubscription(get("SqsSubscription"))) continue;
          permission.sourceArn = value(partsOrUnknown(get("Topic"), "Topic"), get("Topic")?.range ?? range);
          break;
        case "Schedule":
        case "CloudWatchEvent":
        case "EventBridgeRule": {
          const name = get("Name") ? partsOf(get("Name") as SourceNode) : undefined;
          const rule = name ?? [
            unknownSymbol(
              `${generatedId}.Name`,
              `name of the rule SAM generates (${generatedId})`,
              "CloudFormation generates the name at deploy time",
            ),
          ];
          const bus = get("EventBusName") ? partsOf(get("EventBusName") as SourceNode) : undefined;
          permission.sourceArn = value(
            [
              "arn:",
              PARTITION,
              ":events:",
              REGION,
              ":",
              SELF_ACCOUNT,
              ":rule/",
              ...(bus && scalarText(get("EventBusName")) !== "default" ? [...bus, "/"] : []),
              ...rule,
            ],
            range,
          );
          break;
        }
        case "Api":
        case "HttpApi": {
          const apiNode = get(type === "Api" ? "RestApiId" : "ApiId");
          const api = apiNode
            ? partsOrUnknown(apiNode, "api id")
            : [
                unknownSymbol(
                  type === "Api" ? "ServerlessRestApi.Ref" : "ServerlessHttpApi.Ref",
                  `the implicit ${type === "Api" ? "ServerlessRestApi" : "ServerlessHttpApi"} SAM generates`,
                  "API Gateway assigns the id at deploy time",
                ),
              ];
          const method = (scalarText(get("Method")) ?? "*").toLowerCase();
          const path = scalarText(get("Path")) ?? "/*";
          permission.sourceArn = value(
            [
              "arn:",
              PARTITION,
              ":execute-api:",
              REGION,
              ":",
              SELF_ACCOUNT,
              ":",
              ...api,
              "/*/",
              method === "any" ? "*" : method.toUpperCase(),
              path.replace(/(.)\/$/, "$1"),
            ],
            range,
          );
          break;
        }
        case "CloudWatchLogs":
          permission.sourceArn = value(
            [
              "arn:",
              PARTITION,
              ":logs:",
              REGION,
              ":",
              SELF_ACCOUNT,
              ":log-group:",
              ...partsOrUnknown(get("LogGroupName"), "LogGroupName"),
              ":*",
            ],
            range,
          );
          break;
        case "IoTRule":
          permission.sourceArn = value(
            [
              "arn:",
              PARTITION,
              ":iot:",
              REGION,
              ":",
              SELF_ACCOUNT,
              ":rule/",
              unknownSymbol(
                `${generatedId}.Name`,
                `name of the topic rule SAM generates (${generatedId})`,
                "CloudFormation generates the name at deploy time",
              ),
            ],
            range,
          );
          permission.sourceAccount = account;
          break;
        case "Cognito": {
          // The raw property: `!Ref Pool` names the pool whose Arn SAM puts in SourceArn.
          const pool = getOf(propsNode, "UserPool");
          const id = pool ? scalarText(getOf(pool, "Ref")) : undefined;
          const attr =
            id && env.model.resources.has(id) ? resolver.attribute(id, "Arn", pool?.range) : undefined;
          const parts = attr && attr !== NO_VALUE ? partsOf(attr) : undefined;
          permission.sourceArn = value(parts ?? partsOrUnknown(pool, "UserPool"), range);
          break;
        }
        case "AlexaSkill": {
          const skill = get("SkillId");
          if (skill)
            permission.eventSourceToken = value(partsOrUnknown(skill, "SkillId"), skill.range ?? range);
          break;
        }
      }
      out.push({
        logicalId: permissionId(env, fn.id, event.key, type, propsNode),
        propertyPath: `Properties.Events.${event.key}`,
        permission,
        range,
        variant: v.variant,
      });
    }
  }
  // SAM keys what it generates by logical id: of several Cognito events only the last one's
  // permission is left (one `<FunctionId>CognitoPermission`).
  const lastCognito = out.findLast((p) => p.logicalId === `${fn.id}CognitoPermission`)?.propertyPath;
  return lastCognito === undefined
    ? out
    : out.filter((p) => p.logicalId !== `${fn.id}CognitoPermission` || p.propertyPath === lastCognito);
}

/**
 * The logical id SAM gives an event's permission (aws-sam-translator 1.110.0,
 * model/eventsources/push.py `_construct_permission`): `<FunctionId><EventId>Permission`, but
 * `<FunctionId>CognitoPermission` for Cognito, and for Api a suffix naming the stage: `Prod` for
 * the implicit API, the explicit API's StageName when it is a string, `Stage` when it is an
 * intrinsic, `AllStages` when the RestApiId is not a reference to a resource of the template. A
 * suffix that is not alphanumeric is replaced by the first 10 hex digits of its SHA-1
 * (translator/logical_id_generator.py).
 */
function permissionId(env: ResolveEnv, fnId: string, event: string, type: string, props: SourceNode): string {
  if (type === "Cognito") return `${fnId}CognitoPermission`;
  const prefix = `${fnId}${event}Permission`;
  if (type !== "Api") return prefix;
  const named = eventRestApi(env.model.resources, props);
  let suffix = "Prod";
  if (named) {
    const stage = getOf(named.api?.properties, "StageName");
    suffix = !named.api
      ? "AllStages"
      : stage?.kind === "scalar" && typeof stage.value === "string"
        ? stage.value
        : "Stage";
  }
  if (/^[\p{L}\p{N}]+$/u.test(suffix)) return `${prefix}${suffix}`;
  const hash = process.getBuiltinModule("node:crypto").createHash("sha1").update(suffix).digest("hex");
  return `${prefix}${hash.slice(0, 10)}`;
}

/**
 * The REST API an Api event's RestApiId names, as the SAM transform reads it (`Api.get_rest_api_id_string`:
 * a `Ref`'s target or a plain logical id), with that resource when the template has it; undefined
 * without a RestApiId (the implicit ServerlessRestApi).
 */
export function eventRestApi(
  resources: ReadonlyMap<string, ResourceModel>,
  eventProps: SourceNode | undefined,
): { id: string | undefined; api: ResourceModel | undefined } | undefined {
  const restApi = getOf(eventProps, "RestApiId");
  if (!restApi) return undefined;
  const id = restApi.kind === "object" ? scalarText(getOf(restApi, "Ref")) : scalarText(restApi);
  return { id, api: id === undefined ? undefined : resources.get(id) };
}

/** A role that the SAM transform generates, with the trust policy it writes. */
export interface SamRole {
  /** The logical id SAM gives the generated `AWS::IAM::Role`. */
  logicalId: string;
  propertyPath: string;
  /** What the role is for, for the finding's variant. */
  purpose: string;
  trust: SourceNode;
  range: SourceRange | undefined;
  /** One role for the whole template (CodeDeployServiceRole): reported at its first use only. */
  shared?: boolean;
}

/**
 * Roles the SAM transform generates, whose trust policies name a service and no condition
 * (aws-sam-translator's IAMRolePolicies, checked once against 1.110.0: stepfunctions_assume_role_policy,
 * construct_assume_role_policy_for_service_principal, scheduler_assume_role_policy):
 *   AWS::Serverless::StateMachine without Role      `<Id>Role` trusting states.amazonaws.com
 *   its Schedule / CloudWatchEvent / EventBridgeRule events without RoleArn
 *                                                  `<Id><Event>Role` trusting events.amazonaws.com
 *   a ScheduleV2 event (function or state machine) without RoleArn
 *                                                  `<Id><Event>Role` trusting scheduler.amazonaws.com
 *   a state machine's Api event (always)          `<Id><Event>Role` trusting apigateway.amazonaws.com
 *   a function's DeploymentPreference without Role `CodeDeployServiceRole` (one per template) trusting
 *                                                  codedeploy.amazonaws.com
 * (the last two checked once against 1.110.0's stepfunctions events.Api and
 * DeploymentPreferenceCollection.get_codedeploy_iam_role, with its translator).
 *   AWS::Serverless::Function without Role or AssumeRolePolicyDocument
 *                                                  `<Id>Role` trusting lambda.amazonaws.com (bound by
 *                                                  iam:PassRole: a finding only with --strict)
 */
export function samGeneratedRoles(
  resource: ResourceModel,
  globals?: SourceNode,
  text: (node: SourceNode) => string | undefined = scalarText,
): SamRole[] {
  // A function without Properties still gets its role (Globals.Function may give the rest).
  const props =
    resource.properties ??
    (resource.type === "AWS::Serverless::Function"
      ? ({ kind: "object", entries: [] } as ObjectNode)
      : undefined);
  if (!props) return [];
  const out: SamRole[] = [];
  const trust = (service: string, range: SourceRange | undefined): SourceNode => {
    const r = range ? { range } : {};
    const scalar = (value: string): SourceNode => ({ kind: "scalar", value, ...r });
    return {
      kind: "object",
      entries: [
        { key: "Version", value: scalar("2012-10-17") },
        {
          key: "Statement",
          value: {
            kind: "array",
            items: [
              {
                kind: "object",
                entries: [
                  { key: "Action", value: { kind: "array", items: [scalar("sts:AssumeRole")], ...r } },
                  { key: "Effect", value: scalar("Allow") },
                  {
                    key: "Principal",
                    value: {
                      kind: "object",
                      entries: [{ key: "Service", value: { kind: "array", items: [scalar(service)], ...r } }],
                      ...r,
                    },
                  },
                ],
                ...r,
              },
            ],
            ...r,
          },
        },
      ],
      ...r,
    };
  };
  if (resource.type === "AWS::Serverless::GraphQLApi") {
    // aws-sam-translator (SamGraphQLApi): a CloudWatch logs role unless Logging is false or names
    // CloudWatchLogsRoleArn, and a role per DynamoDb or Lambda data source without ServiceRoleArn,
    // each trusting appsync.amazonaws.com with no condition.
    const at = resource.keyRange;
    const logging = getOf(props, "Logging");
    const loggingOff = logging?.kind === "scalar" && String(logging.value).toLowerCase() === "false";
    if (!loggingOff && !getOf(logging, "CloudWatchLogsRoleArn"))
      out.push({
        logicalId: `${resource.id}CloudWatchRole`,
        propertyPath: "Properties.Logging",
        purpose: `the CloudWatch Logs role SAM generates for ${resource.id}, as Logging names no CloudWatchLogsRoleArn: give it one whose trust policy has the condition`,
        trust: trust("appsync.amazonaws.com", at),
        range: at,
      });
    const sources = getOf(props, "DataSources");
    for (const [kind, suffix] of [
      ["DynamoDb", "DynamoDBDataSourceRole"],
      ["Lambda", "LambdaDataSourceRole"],
    ] as const) {
      const group = getOf(sources, kind);
      if (group?.kind !== "object") continue;
      for (const e of group.entries) {
        if (e.value.kind !== "object" || getOf(e.value, "ServiceRoleArn")) continue;
        out.push({
          logicalId: `${resource.id}${e.key}${suffix}`,
          propertyPath: `Properties.DataSources.${kind}.${e.key}`,
          purpose: `the role SAM generates for data source ${e.key}, as it names no ServiceRoleArn: give it one whose trust policy has the condition`,
          trust: trust("appsync.amazonaws.com", e.keyRange ?? at),
          range: e.keyRange ?? at,
        });
      }
    }
    return out;
  }
  const isStateMachine = resource.type === "AWS::Serverless::StateMachine";
  if (isStateMachine && !getOf(props, "Role") && !getOf(props, "RoleArn")) {
    out.push({
      logicalId: `${resource.id}Role`,
      propertyPath: "Properties",
      purpose: `the execution role SAM generates for ${resource.id}, as no Role is given: give it a Role whose trust policy has the condition`,
      trust: trust("states.amazonaws.com", resource.keyRange),
      range: resource.keyRange,
    });
  }
  // DeploymentPreference without a Role: one CodeDeployServiceRole for the whole template
  // (aws-sam-translator, DeploymentPreferenceCollection.get_codedeploy_iam_role).
  // Globals.Function.DeploymentPreference applies to every function without one of its own (SAM
  // merges Globals into each function).
  // SAM merges the Globals map into the function's own, key by key: a Role or Enabled given in
  // Globals holds for a function whose own DeploymentPreference leaves it out.
  const own = getOf(props, "DeploymentPreference");
  const global = getOf(getOf(globals, "Function"), "DeploymentPreference");
  const isFunction = resource.type === "AWS::Serverless::Function";
  // The function's own role, when SAM generates it with its default trust (no Role, no
  // AssumeRolePolicyDocument here or in Globals; a written document is read where it is written).
  // lambda.amazonaws.com is bound by iam:PassRole: reported only with --strict, at low.
  const globalFunction = getOf(globals, "Function");
  if (
    isFunction &&
    !getOf(props, "Role") &&
    !getOf(globalFunction, "Role") &&
    !getOf(props, "AssumeRolePolicyDocument") &&
    !getOf(globalFunction, "AssumeRolePolicyDocument")
  )
    out.push({
      logicalId: `${resource.id}Role`,
      propertyPath: "Properties",
      purpose: `the execution role SAM generates for ${resource.id}, as no Role is given`,
      trust: trust("lambda.amazonaws.com", resource.keyRange),
      range: resource.keyRange,
    });
  const setting = (key: string) => getOf(own, key) ?? getOf(global, key);
  const enabledNode = setting("Enabled");
  // `Enabled` as the deploy gives it: written, or a parameter given a value. One that depends on a
  // parameter not given may be true in some deploy: the role is reported, saying when.
  const enabled = enabledNode ? text(enabledNode)?.toLowerCase() : "true";
  if (
    isFunction &&
    (own?.kind === "object" || global?.kind === "object") &&
    !setting("Role") &&
    enabled !== "false"
  ) {
    const range = own
      ? (getEntryOf(props, "DeploymentPreference")?.keyRange ?? own.range)
      : (resource.keyRange ?? global?.range);
    out.push({
      logicalId: "CodeDeployServiceRole",
      propertyPath: "Properties.DeploymentPreference",
      purpose: `the service role SAM generates for CodeDeploy traffic shifting, as no Role is given${enabled === undefined ? " (if DeploymentPreference.Enabled is true in the deploy)" : ""}: give DeploymentPreference a Role whose trust policy has the condition`,
      trust: trust("codedeploy.amazonaws.com", range),
      range,
      shared: true,
    });
  }
  const events = getOf(props, "Events");
  if (events?.kind !== "object") return out;
  for (const event of events.entries) {
    if (event.value.kind !== "object") continue;
    const type = scalarText(getOf(event.value, "Type"));
    const eventProps = getOf(event.value, "Properties");
    if (getOf(eventProps, "RoleArn")) continue;
    const service =
      type === "ScheduleV2"
        ? "scheduler.amazonaws.com"
        : isStateMachine && (type === "Schedule" || type === "CloudWatchEvent" || type === "EventBridgeRule")
          ? "events.amazonaws.com"
          : // A state machine's Api event always gets a role API Gateway assumes (aws-sam-translator,
            // stepfunctions events.Api).
            isStateMachine && type === "Api"
            ? "apigateway.amazonaws.com"
            : undefined;
    if (!service) continue;
    const range = event.keyRange ?? event.value.range;
    out.push({
      logicalId: `${resource.id}${event.key}Role`,
      propertyPath: `Properties.Events.${event.key}`,
      purpose:
        type === "Api"
          ? `the role SAM always generates for Api event ${event.key}: to give its trust policy the condition, write the API's integration and its role yourself`
          : `the role SAM generates for event ${event.key}, as no RoleArn is given: give it a RoleArn whose trust policy has the condition`,
      trust: trust(service, range),
      range,
    });
  }
  return out;
}

/** A resource-based policy or permission the SAM transform generates for a connector. */
export interface SamConnectorResource {
  /** The logical id SAM gives the generated resource. */
  logicalId: string;
  type: "AWS::Lambda::Permission" | "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy";
  propertyPath: string;
  /** The generated resource's Properties, as SAM writes them (intrinsics unresolved). */
  properties: ObjectNode;
  range: SourceRange | undefined;
}

/*
 * The connector profiles that write a resource-based policy or a Lambda permission naming a service,
 * copied from aws-sam-translator 1.110.0 (samtranslator/model/connector_profiles/profiles.json, the
 * `Write` access category, the only one these profiles have). The other profiles
 * (AWS_IAM_ROLE_MANAGED_POLICY) write an identity policy on the source's or destination's role:
 * no service principal, not a confused-deputy site. (1.110.0 has no profile from an S3 bucket to a
 * queue, nor any from an IoT rule.)
 */
type ProfileType = "AWS_LAMBDA_PERMISSION" | "AWS_SQS_QUEUE_POLICY" | "AWS_SNS_TOPIC_POLICY";
interface Profile {
  type: ProfileType;
  write: unknown;
}
const toLambda = (principal: string, sourceArn: string, sourceAccount?: string): Profile => ({
  type: "AWS_LAMBDA_PERMISSION",
  write: {
    Action: "lambda:InvokeFunction",
    Principal: principal,
    SourceArn: sourceArn,
    ...(sourceAccount ? { SourceAccount: sourceAccount } : {}),
  },
});
const sendPolicy = (type: ProfileType, service: string, action: string): Profile => ({
  type,
  write: {
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Resource: "%{Destination.Arn}",
        Action: action,
        Condition: { ArnEquals: { "aws:SourceArn": "%{Source.Arn}" } },
      },
    ],
  },
});
const EXECUTE_API =
  "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:%{Source.ResourceId}/%{Source.Qualifier}";
const PROFILES: Record<string, Record<string, Profile>> = {
  "AWS::Events::Rule": {
    "AWS::SNS::Topic": sendPolicy("AWS_SNS_TOPIC_POLICY", "events.amazonaws.com", "sns:Publish"),
    "AWS::Lambda::Function": toLambda("events.amazonaws.com", "%{Source.Arn}"),
    "AWS::SQS::Queue": sendPolicy("AWS_SQS_QUEUE_POLICY", "events.amazonaws.com", "sqs:SendMessage"),
  },
  "AWS::ApiGatewayV2::Api": {
    "AWS::Lambda::Function": toLambda("apigateway.amazonaws.com", EXECUTE_API),
  },
  "AWS::ApiGateway::RestApi": {
    "AWS::Lambda::Function": toLambda("apigateway.amazonaws.com", EXECUTE_API),
  },
  "AWS::SNS::Topic": {
    "AWS::SQS::Queue": sendPolicy("AWS_SQS_QUEUE_POLICY", "sns.amazonaws.com", "sqs:SendMessage"),
    "AWS::Lambda::Function": toLambda("sns.amazonaws.com", "%{Source.Arn}"),
  },
  "AWS::S3::Bucket": {
    "AWS::Lambda::Function": toLambda("s3.amazonaws.com", "%{Source.Arn}", "${AWS::AccountId}"),
  },
  "AWS::AppSync::GraphQLApi": {
    "AWS::Lambda::Function": toLambda(
      "appsync.amazonaws.com",
      "arn:${AWS::Partition}:appsync:${AWS::Region}:${AWS::AccountId}:apis/%{Source.ResourceId}",
    ),
  },
};

/** SAM types a connector names by Id, as the CloudFormation type the profiles know (connector.py). */
const SAM_TO_CFN: Record<string, string> = {
  "AWS::Serverless::Function": "AWS::Lambda::Function",
  "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
  "AWS::Serverless::Api": "AWS::ApiGateway::RestApi",
  "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
  "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
  // Translated before the connectors are, to an AWS::AppSync::GraphQLApi of the same logical id.
  "AWS::Serverless::GraphQLApi": "AWS::AppSync::GraphQLApi",
};

/** What a connector end resolves to (connector.py, ConnectorResourceReference). */
interface End {
  type: string;
  arn?: SourceNode;
  queueUrl?: SourceNode;
  resourceId?: SourceNode;
  qualifier?: SourceNode;
}

/**
 * The ends' outputs for a resource named by Id, from profiles.json's CfnResourceProperties: the ARN
 * is `Ref` for topics and state machines and AppSync APIs, `Fn::GetAtt .Arn` otherwise; a queue's
 * URL is its `Ref`; an API's id its `Ref` (an AppSync API's `Fn::GetAtt .ApiId`), its qualifier `*`.
 */
function endOf(env: ResolveEnv, ref: SourceNode | undefined, r: RangeOf): End | undefined {
  if (ref?.kind !== "object") return undefined;
  const idNode = getOf(ref, "Id");
  const keys = ref.entries.map((e) => e.key);
  // Id (with an optional Qualifier), or other properties without Id: else SAM rejects it.
  const hasOther = keys.some((k) => k !== "Id" && k !== "Qualifier");
  if (!!idNode === hasOther) return undefined;
  const qualifier = getOf(ref, "Qualifier");
  if (!idNode) {
    const written = scalarText(getOf(ref, "Type"));
    if (!written) return undefined;
    const end: End = { type: Object.hasOwn(SAM_TO_CFN, written) ? (SAM_TO_CFN[written] as string) : written };
    const set = (k: keyof End, key: string) => {
      const v = getOf(ref, key);
      if (v) (end as unknown as Record<string, SourceNode>)[k] = v;
    };
    set("arn", "Arn");
    set("queueUrl", "QueueUrl");
    set("resourceId", "ResourceId");
    set("qualifier", "Qualifier");
    return end;
  }
  const id = idNode.kind === "scalar" && typeof idNode.value === "string" ? idNode.value : undefined;
  const resource = id ? env.model.resources.get(id) : undefined;
  if (!id || !resource) return undefined;
  const type = Object.hasOwn(SAM_TO_CFN, resource.type)
    ? (SAM_TO_CFN[resource.type] as string)
    : resource.type;
  const at = idNode.range ?? r.range;
  const refNode = r.obj([["Ref", r.str(id, at)]], at);
  const getAtt = (attr: string) => r.obj([["Fn::GetAtt", r.arr([r.str(id, at), r.str(attr, at)], at)]], at);
  const end: End = { type };
  switch (type) {
    case "AWS::SNS::Topic":
    case "AWS::StepFunctions::StateMachine":
    case "AWS::AppSync::DataSource":
      end.arn = refNode;
      break;
    case "AWS::AppSync::GraphQLApi":
      end.arn = refNode;
      end.resourceId = getAtt("ApiId");
      break;
    case "AWS::SQS::Queue":
      end.arn = getAtt("Arn");
      end.queueUrl = refNode;
      break;
    case "AWS::ApiGateway::RestApi":
    case "AWS::ApiGatewayV2::Api":
      end.arn = getAtt("Arn");
      end.resourceId = refNode;
      end.qualifier = r.str("*", at);
      break;
    case "AWS::Lambda::Function":
    case "AWS::Events::Rule":
    case "AWS::DynamoDB::Table":
    case "AWS::S3::Bucket":
    case "AWS::Location::PlaceIndex":
    case "AWS::Events::EventBus":
      end.arn = getAtt("Arn");
      break;
  }
  // A Qualifier given with Id replaces the default one.
  if (qualifier) end.qualifier = qualifier;
  return end;
}

interface RangeOf {
  range: SourceRange | undefined;
  str(value: string, range?: SourceRange): SourceNode;
  arr(items: SourceNode[], range?: SourceRange): SourceNode;
  obj(entries: Array<[string, SourceNode]>, range?: SourceRange): ObjectNode;
}

/** Whether an SNS event's SqsSubscription is set: `true`, or a map naming an existing queue. */
function sqsSubscription(node: SourceNode | undefined): boolean {
  if (!node) return false;
  if (node.kind === "object") return true;
  return scalarText(node)?.toLowerCase() === "true";
}

/**
 * The queue policy SAM writes for an SNS event with SqsSubscription (aws-sam-translator 1.110.0,
 * eventsources/push.py SNS and sqs.py sns_topic_send_message_role_policy): `Principal: "*"` may
 * sqs:SendMessage to the queue when `ArnEquals aws:SourceArn` is the event's Topic. Its logical id
 * is `<Function><Event>QueuePolicy`, or the map's QueuePolicyLogicalId.
 */
export function samSnsQueuePolicies(fn: ResourceModel): SamConnectorResource[] {
  const events = fn.properties ? getOf(fn.properties, "Events") : undefined;
  if (events?.kind !== "object") return [];
  const out: SamConnectorResource[] = [];
  for (const event of events.entries) {
    if (event.value.kind !== "object" || scalarText(getOf(event.value, "Type")) !== "SNS") continue;
    const props = getOf(event.value, "Properties");
    const subscription = getOf(props, "SqsSubscription");
    const topic = getOf(props, "Topic");
    if (!sqsSubscription(subscription) || !topic) continue;
    const range = event.keyRange ?? event.value.range;
    const r = rangeOf(range);
    const id = `${fn.id}${event.key}`;
    const queue =
      getOf(subscription, "QueueArn") ??
      ({
        kind: "value",
        value: {
          parts: [
            unknownSymbol(
              `${id}Queue.Arn`,
              `the queue SAM generates (${id}Queue)`,
              "CloudFormation creates it at deploy time",
            ),
          ],
        },
        ...(range ? { range } : {}),
      } as SourceNode);
    const statement = r.obj([
      ["Action", r.str("sqs:SendMessage")],
      ["Effect", r.str("Allow")],
      ["Principal", r.str("*")],
      ["Resource", queue],
      ["Condition", r.obj([["ArnEquals", r.obj([["aws:SourceArn", topic]])]])],
    ]);
    out.push({
      logicalId: scalarText(getOf(subscription, "QueuePolicyLogicalId")) ?? `${id}QueuePolicy`,
      type: "AWS::SQS::QueuePolicy",
      propertyPath: `Properties.Events.${event.key}.Properties.SqsSubscription`,
      properties: r.obj([
        [
          "PolicyDocument",
          r.obj([
            ["Version", r.str("2012-10-17")],
            ["Statement", r.arr([statement])],
          ]),
        ],
      ]),
      range,
    });
  }
  return out;
}

/**
 * Says that a connector (or part of one) is not read: a Write connector may generate a queue or
 * topic policy or a Lambda permission, so it is never skipped in silence.
 */
function unreadConnector(env: ResolveEnv, what: string, at: SourceRange | undefined): void {
  env.diagnostics.push({
    code: "UnsupportedConstruct",
    severity: "warning",
    file: env.model.file,
    message: `${what} is not read (an intrinsic function, or a form SAM does not take), so the policies SAM generates for it are not checked; write it out plainly to have them checked`,
    ...(at ? { line: at.start.line, column: at.start.column } : {}),
  });
}

/** `{"Fn::If": ...}` and the like: one key naming an intrinsic function. */
function isIntrinsicObject(node: SourceNode): boolean {
  return (
    node.kind === "object" && node.entries.length === 1 && /^(Fn::|Ref$)/.test(node.entries[0]?.key ?? "")
  );
}

function rangeOf(range: SourceRange | undefined): RangeOf {
  const r = (at: SourceRange | undefined) => {
    const x = at ?? range;
    return x ? { range: x } : {};
  };
  return {
    range,
    str: (value, at) => ({ kind: "scalar", value, ...r(at) }),
    arr: (items, at) => ({ kind: "array", items, ...r(at) }),
    obj: (entries, at) => ({
      kind: "object",
      entries: entries.map(([key, value]) => ({ key, value })),
      ...r(at),
    }),
  };
}

/**
 * The profile with its `%{...}` variables replaced as profile.py's profile_replace does: a string
 * that is the variable is its value; a string that holds it becomes `Fn::Sub` with the variable
 * renamed to its letters and digits; a string with `${...}` left is `Fn::Sub` too. Undefined when a
 * variable has no value (SAM rejects the connector).
 */
function fill(
  value: unknown,
  vars: ReadonlyMap<string, SourceNode | undefined>,
  r: RangeOf,
): SourceNode | undefined {
  if (Array.isArray(value)) {
    const items: SourceNode[] = [];
    for (const v of value) {
      const n = fill(v, vars, r);
      if (!n) return undefined;
      items.push(n);
    }
    return r.arr(items);
  }
  if (value && typeof value === "object") {
    const entries: Array<[string, SourceNode]> = [];
    for (const [k, v] of Object.entries(value)) {
      const n = fill(v, vars, r);
      if (!n) return undefined;
      entries.push([k, n]);
    }
    return r.obj(entries);
  }
  let s = String(value);
  const subVars: Array<[string, SourceNode]> = [];
  for (const [k, v] of vars) {
    const pattern = `%{${k}}`;
    if (!s.includes(pattern)) continue;
    if (!v) return undefined;
    if (s === pattern) return v;
    const name = k.replace(/[^A-Za-z0-9]/g, "");
    s = s.split(pattern).join(`\${${name}}`);
    subVars.push([name, v]);
  }
  if (/\$\{.+\}/.test(s))
    return r.obj([["Fn::Sub", subVars.length > 0 ? r.arr([r.str(s), r.obj(subVars)]) : r.str(s)]]);
  return r.str(s);
}

/**
 * The resource-based policies and Lambda permissions the SAM transform generates for the connectors
 * of a resource: an `AWS::Serverless::Connector` (its Source and Destination, one or a list), or the
 * `Connectors` attribute of any resource (the resource is the Source; `SourceReference` may add a
 * Qualifier). Logical ids as aws-sam-translator 1.110.0 gives them (sam_resources.py, SamConnector):
 * `<Connector>WriteLambdaPermission`, `<Connector>QueuePolicy`, `<Connector>TopicPolicy`, with
 * `Destination<i>` appended when Destination is a list; an embedded connector is
 * `<Source><Name>` (translator.py, _get_embedded_connectors).
 */
export function samConnectorResources(env: ResolveEnv, resource: ResourceModel): SamConnectorResource[] {
  const out: SamConnectorResource[] = [];
  if (resource.type === "AWS::Serverless::Connector" && resource.properties) {
    out.push(
      ...connector(
        env,
        resource.id,
        resource.properties,
        getOf(resource.properties, "Source"),
        "Properties",
        resource.keyRange,
      ),
    );
  }
  const embedded = getOf(resource.node, "Connectors");
  const unread = (what: string, at: SourceRange | undefined) => unreadConnector(env, what, at);
  if (embedded && (embedded.kind !== "object" || isIntrinsicObject(embedded))) {
    unread(`the Connectors of ${resource.id}`, embedded.range ?? resource.keyRange);
  } else if (embedded?.kind === "object") {
    for (const c of embedded.entries) {
      const props = getOf(c.value, "Properties");
      if (props?.kind !== "object") {
        unread(`connector ${resource.id}${c.key}: its Properties`, c.keyRange ?? c.value.range);
        continue;
      }
      const at = c.keyRange ?? c.value.range;
      const r = rangeOf(at);
      const ref = getOf(props, "SourceReference");
      if (ref && (ref.kind !== "object" || getEntryOf(ref, "Id"))) continue;
      const source = r.obj([
        ["Id", r.str(resource.id)],
        ...(ref?.kind === "object" ? ref.entries.map((e): [string, SourceNode] => [e.key, e.value]) : []),
      ]);
      out.push(...connector(env, `${resource.id}${c.key}`, props, source, `Connectors.${c.key}`, at));
    }
  }
  return out;
}

function connector(
  env: ResolveEnv,
  id: string,
  props: ObjectNode,
  sourceNode: SourceNode | undefined,
  propertyPath: string,
  range: SourceRange | undefined,
): SamConnectorResource[] {
  const r = rangeOf(range);
  // What cannot be read here (an Fn::If around Properties, Permissions, Source or Destination, or
  // an Id naming no resource of the template) is said, never skipped in silence: a Write connector
  // may generate a queue or topic policy or a Lambda permission.
  const unread = (what: string) => unreadConnector(env, `connector ${id}: ${what}`, range);
  if (isIntrinsicObject(props)) {
    unread("its Properties");
    return [];
  }
  const permissions = getOf(props, "Permissions");
  if (
    permissions &&
    (permissions.kind !== "array" || permissions.items.some((i) => scalarText(i) === undefined))
  ) {
    unread("its Permissions");
    return [];
  }
  const perms = permissions?.kind === "array" ? permissions.items.map((i) => scalarText(i)) : [];
  if (!perms.includes("Write")) return [];
  const destNode = getOf(props, "Destination");
  const multi = destNode?.kind === "array";
  const dests = destNode?.kind === "array" ? destNode.items : destNode ? [destNode] : [];
  const out: SamConnectorResource[] = [];
  if (!endOf(env, sourceNode, r)) unread("its Source");
  dests.forEach((destRef, index) => {
    const source = endOf(env, sourceNode, r);
    const dest = endOf(env, destRef, r);
    if (source && !dest) unread(multi ? `Destination ${index}` : "its Destination");
    if (!source || !dest) return;
    const fromSource = Object.hasOwn(PROFILES, source.type) ? PROFILES[source.type] : undefined;
    const profile = fromSource && Object.hasOwn(fromSource, dest.type) ? fromSource[dest.type] : undefined;
    if (!profile) return;
    const vars = new Map<string, SourceNode | undefined>([
      ["Source.Arn", source.arn],
      ["Destination.Arn", dest.arn],
      ["Source.ResourceId", source.resourceId],
      ["Destination.ResourceId", dest.resourceId],
      ["Source.Qualifier", source.qualifier],
      ["Destination.Qualifier", dest.qualifier],
    ]);
    const filled = fill(profile.write, vars, r);
    if (filled?.kind !== "object") return;
    const suffix = multi ? `Destination${index}` : "";
    const version: [string, SourceNode] = ["Version", r.str("2012-10-17")];
    const statement = getEntryOf(filled, "Statement")?.value;
    switch (profile.type) {
      case "AWS_LAMBDA_PERMISSION":
        if (!dest.arn) return;
        out.push({
          logicalId: `${id}WriteLambdaPermission${suffix}`,
          type: "AWS::Lambda::Permission",
          propertyPath,
          properties: r.obj([
            ["FunctionName", dest.arn],
            ...filled.entries.map((e): [string, SourceNode] => [e.key, e.value]),
          ]),
          range,
        });
        return;
      case "AWS_SQS_QUEUE_POLICY":
        if (!dest.queueUrl || !statement) return;
        out.push({
          logicalId: `${id}QueuePolicy${suffix}`,
          type: "AWS::SQS::QueuePolicy",
          propertyPath,
          properties: r.obj([
            ["PolicyDocument", r.obj([version, ["Statement", statement]])],
            ["Queues", r.arr([dest.queueUrl])],
          ]),
          range,
        });
        return;
      case "AWS_SNS_TOPIC_POLICY":
        if (!dest.arn || !statement) return;
        out.push({
          logicalId: `${id}TopicPolicy${suffix}`,
          type: "AWS::SNS::TopicPolicy",
          propertyPath,
          properties: r.obj([
            ["PolicyDocument", r.obj([version, ["Statement", statement]])],
            ["Topics", r.arr([dest.arn])],
          ]),
          range,
        });
        return;
    }
  });
  return out;
}
