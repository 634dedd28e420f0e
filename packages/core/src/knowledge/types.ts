/** Whether a service puts a source key into the request context when it acts as its principal. */
export type KeyPresence = "always" | "sometimes" | "never" | "unknown";

/** A condition key other than aws:Source* that binds the caller's source, e.g. `kms:EncryptionContext:aws:logs:arn`. */
export interface AlternativeGuardKey {
  /** The condition key as AWS documents it (case as in the docs). */
  key: string;
  /** What the key's value names: an ARN carrying the source account, an account id, or an opaque token. */
  binds: "arn" | "account" | "token";
  /** Where AWS documents it. */
  source: string;
  note?: string;
  /**
   * The service sets the key on calls made for other principals (SNS encrypts a publisher's message
   * with the topic's ARN), not on calls its own principal makes: it guards any principal, and a fix
   * for this row's principal does not write it.
   */
  setForOthers?: boolean;
}

/** One row of the service knowledge table. Every row comes from AWS's own documentation. */
export interface ServiceKnowledge {
  /** Short id, usually the IAM service prefix: `cloudtrail`, `logs`, `delivery.logs`. */
  service: string;
  /** Human name: `AWS CloudTrail`. */
  name: string;
  /**
   * Principal names as AWS's examples write them. A regional form is written with `<region>`,
   * e.g. `logs.<region>.amazonaws.com`.
   */
  principals: string[];
  /**
   * ARN shapes the service sends as aws:SourceArn, in IAM resource-type notation:
   * `arn:${Partition}:cloudtrail:${Region}:${Account}:trail/${TrailName}`.
   */
  sourceArnFormats: string[];
  /**
   * Whether those ARNs carry the account ("some" when only some of them do, "unknown" when AWS's
   * pages document no ARN shape: the search then tries ARNs with and without one).
   */
  accountInArn: boolean | "some" | "unknown";
  /** Which source keys the service sends. `always` lets the analysis drop the "key absent" case. */
  keysSent: {
    sourceArn: KeyPresence;
    sourceAccount: KeyPresence;
    sourceOrgId: KeyPresence;
  };
  alternativeGuardKeys: AlternativeGuardKey[];
  /**
   * The service writes S3 objects only under `[prefix/]AWSLogs/<account>/`, the account it delivers
   * for, and refuses a prefix holding `AWSLogs` (Elastic Load Balancing access logs): a statement
   * that grants it only `s3:PutObject` on keys under `AWSLogs/<your account>/` pins the caller.
   */
  awsLogsKeyPrefix?: { source: string };
  /**
   * True when a trust policy for this principal is bound by iam:PassRole: the role must be passed by
   * someone in the same account (lambda, ec2, ...), so a foreign account cannot make the service
   * assume it.
   */
  passRoleBound: boolean;
  /** Special cases, contradictions between AWS pages and the one the tool follows. */
  notes?: string[];
  /** AWS documentation URLs the row is taken from. */
  sources: string[];
}
