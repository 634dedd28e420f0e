/**
 * Elastic Load Balancing log-delivery accounts.
 *
 * For the Regions below, AWS's access-log bucket policy grants `s3:PutObject` to the AWS principal
 * `arn:aws:iam::<elb-account>:root` instead of a service principal. Regions that are not in this list
 * (for example Middle East (UAE)) use the service principal
 * `logdelivery.elasticloadbalancing.amazonaws.com`; Outposts use `logdelivery.elb.amazonaws.com`.
 *
 * Taken from the Application Load Balancer "Enable access logs" page (the account list as published there;
 * the region codes are the standard codes for the Region names that page uses).
 */
export const ELB_LOG_DELIVERY_SOURCE: string =
  "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html";

/** Elastic Load Balancing log-delivery accounts per region (AWS principals in older regions), with `ELB_LOG_DELIVERY_SOURCE`. */
export const ELB_LOG_DELIVERY_ACCOUNTS: readonly { region: string; account: string }[] = [
  { region: "us-east-1", account: "127311923021" },
  { region: "us-east-2", account: "033677994240" },
  { region: "us-west-1", account: "027434742980" },
  { region: "us-west-2", account: "797873946194" },
  { region: "af-south-1", account: "098369216593" },
  { region: "ca-central-1", account: "985666609251" },
  { region: "eu-central-1", account: "054676820928" },
  { region: "eu-west-1", account: "156460612806" },
  { region: "eu-west-2", account: "652711504416" },
  { region: "eu-south-1", account: "635631232127" },
  { region: "eu-west-3", account: "009996457667" },
  { region: "eu-north-1", account: "897822967062" },
  { region: "ap-east-1", account: "754344448648" },
  { region: "ap-northeast-1", account: "582318560864" },
  { region: "ap-northeast-2", account: "600734575887" },
  { region: "ap-northeast-3", account: "383597477331" },
  { region: "ap-southeast-1", account: "114774131450" },
  { region: "ap-southeast-2", account: "783225319266" },
  { region: "ap-south-1", account: "718504428378" },
  { region: "me-south-1", account: "076674570225" },
  { region: "sa-east-1", account: "507241528517" },
  { region: "us-gov-west-1", account: "048591011584" },
  { region: "us-gov-east-1", account: "190560391635" },
];
