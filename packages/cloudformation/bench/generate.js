// Generators for the CloudFormation benchmark and the large-template tests.

/** A realistic template: buckets with policies, topics, queues, roles and Lambda permissions. */
export function generateTemplate(resources) {
  const res = {};
  const groups = Math.ceil(resources / 5);
  for (let i = 0; i < groups; i++) {
    res[`Bucket${i}`] = {
      Type: "AWS::S3::Bucket",
      Properties: { BucketName: { "Fn::Sub": `logs-${i}-\${AWS::AccountId}` } },
    };
    res[`BucketPolicy${i}`] = {
      Type: "AWS::S3::BucketPolicy",
      Properties: {
        Bucket: { Ref: `Bucket${i}` },
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AWSLogDeliveryWrite",
              Effect: "Allow",
              Principal: { Service: "delivery.logs.amazonaws.com" },
              Action: "s3:PutObject",
              Resource: { "Fn::Sub": `\${Bucket${i}.Arn}/AWSLogs/\${AWS::AccountId}/*` },
              Condition: {
                StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
                ArnLike: {
                  "aws:SourceArn": {
                    "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*",
                  },
                },
              },
            },
            ...(i % 2 === 0
              ? [
                  {
                    Effect: "Allow",
                    Principal: { Service: "cloudtrail.amazonaws.com" },
                    Action: "s3:GetBucketAcl",
                    Resource: { "Fn::GetAtt": [`Bucket${i}`, "Arn"] },
                  },
                ]
              : []),
          ],
        },
      },
    };
    res[`Topic${i}`] = { Type: "AWS::SNS::Topic", Properties: { TopicName: `topic-${i}` } };
    res[`Role${i}`] = {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        },
        Policies: [
          {
            PolicyName: "p",
            PolicyDocument: {
              Statement: [{ Effect: "Allow", Action: "sns:Publish", Resource: { Ref: `Topic${i}` } }],
            },
          },
        ],
      },
    };
    res[`Permission${i}`] = {
      Type: "AWS::Lambda::Permission",
      Properties: {
        FunctionName: "fn",
        Action: "lambda:InvokeFunction",
        Principal: "s3.amazonaws.com",
        SourceArn: { "Fn::GetAtt": [`Bucket${i}`, "Arn"] },
      },
    };
  }
  return { AWSTemplateFormatVersion: "2010-09-09", Resources: res };
}

/** YAML with short-form tags, as people write it. */
export function toYaml(value, indent = "") {
  const lines = [];
  const scalar = (v) =>
    typeof v === "string"
      ? /^[A-Za-z0-9_./:-]+$/.test(v) && !/^\d/.test(v)
        ? v
        : JSON.stringify(v)
      : String(v);
  const tagged = (v) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1) {
        const k = keys[0];
        if (k === "Ref") return `!Ref ${v[k]}`;
        if (k === "Fn::Sub" && typeof v[k] === "string") return `!Sub ${JSON.stringify(v[k])}`;
        if (k === "Fn::GetAtt") return `!GetAtt ${v[k].join(".")}`;
      }
    }
    return undefined;
  };
  for (const [k, v] of Object.entries(value)) {
    const t = tagged(v);
    if (t) lines.push(`${indent}${k}: ${t}`);
    else if (Array.isArray(v)) {
      lines.push(`${indent}${k}:`);
      for (const item of v) {
        const ti = tagged(item);
        if (ti) lines.push(`${indent}  - ${ti}`);
        else if (item && typeof item === "object") {
          const body = toYaml(item, `${indent}    `).split("\n");
          lines.push(`${indent}  - ${body[0].trimStart()}`, ...body.slice(1));
        } else lines.push(`${indent}  - ${scalar(item)}`);
      }
    } else if (v && typeof v === "object") {
      lines.push(`${indent}${k}:`, toYaml(v, `${indent}  `));
    } else lines.push(`${indent}${k}: ${scalar(v)}`);
  }
  return lines.join("\n");
}
