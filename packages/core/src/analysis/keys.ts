/** Lower-cased condition keys the analysis treats specially. */
export const SOURCE_ACCOUNT = "aws:sourceaccount";
export const SOURCE_ARN = "aws:sourcearn";
export const SOURCE_ORG_ID = "aws:sourceorgid";
export const SOURCE_ORG_PATHS = "aws:sourceorgpaths";
export const SOURCE_OWNER = "aws:sourceowner";
export const PRINCIPAL_SERVICE_NAME = "aws:principalservicename";
export const PRINCIPAL_IS_AWS_SERVICE = "aws:principalisawsservice";
/**
 * The account that owns the resource the request is for. Every policy the analysis looks at
 * protects a resource of the deploying account (a bucket, a topic, a role, a function), so in any
 * request it decides, this key is present and holds that account (SELF).
 */
export const RESOURCE_ACCOUNT = "aws:resourceaccount";
/**
 * The organization of the account that owns the resource: ours when that account is in one, absent
 * otherwise (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid).
 */
export const RESOURCE_ORG_ID = "aws:resourceorgid";

/** The keys that bind a request to the account or organization it comes from. */
export const SOURCE_KEYS: readonly string[] = [
  SOURCE_ACCOUNT,
  SOURCE_ARN,
  SOURCE_ORG_ID,
  SOURCE_ORG_PATHS,
  SOURCE_OWNER,
];

/** The spelling used in messages and fixes. */
export const KEY_DISPLAY: Readonly<Record<string, string>> = {
  [SOURCE_ACCOUNT]: "aws:SourceAccount",
  [SOURCE_ARN]: "aws:SourceArn",
  [SOURCE_ORG_ID]: "aws:SourceOrgID",
  [SOURCE_ORG_PATHS]: "aws:SourceOrgPaths",
  [SOURCE_OWNER]: "aws:SourceOwner",
};

/**
 * Keys a service principal's request never carries: they describe the calling IAM principal
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principal-properties),
 * and a service principal is not an IAM principal of an account.
 */
const ABSENT_FOR_SERVICES = new Set([
  "aws:principalorgid",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:principalorgpaths",
  "aws:userid",
  "aws:username",
  // Present only when the requester calls through a VPC endpoint
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-network-properties):
  // a service principal calls from AWS's network, never through your endpoint, which is why AWS's
  // network-perimeter policies exempt aws:PrincipalIsAWSService.
  "aws:sourcevpce",
  "aws:sourcevpc",
  "aws:sourcevpcarn",
  "aws:vpcsourceip",
  // The account of the calling identity, as aws:PrincipalAccount is
  // (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account):
  // AWS's own CloudTrail key policy lets `"AWS": "*"` decrypt on kms:CallerAccount = the key's
  // account. A service acting for another account never presents ours in it.
  "kms:calleraccount",
  // How long ago the caller authenticated with MFA: present only when it did
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthage),
  // and a service acting for an account never signs in with an MFA device.
  "aws:multifactorauthage",
]);

/**
 * Whether the caller authenticated with MFA: a service acting for an account never does, so in its
 * request the key is absent or false, never true (aws:MultiFactorAuthPresent, on the same page).
 */
export const MFA_PRESENT = "aws:multifactorauthpresent";

export function isAbsentForServices(key: string): boolean {
  return ABSENT_FOR_SERVICES.has(key) || key.startsWith("aws:principaltag/");
}

/** Pseudo keys for the request's action and resource, so that they are searched like condition keys. */
export const ACTION_KEY = "\u0000action";
export const RESOURCE_KEY = "\u0000resource";
