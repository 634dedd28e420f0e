import { closeSync, openSync, writeSync } from "node:fs";

/**
 * Writes a policy document of at least `bytes` bytes made of many small SNS-to-SQS statements, half of
 * them guarded by aws:SourceArn and half unguarded (CD101). Returns the number of statements.
 */
export function writeBigPolicy(path: string, bytes: number): number {
  const fd = openSync(path, "w");
  try {
    let size = 0;
    const put = (s: string): void => {
      writeSync(fd, s);
      size += Buffer.byteLength(s);
    };
    put('{\n  "Version": "2012-10-17",\n  "Statement": [\n');
    let i = 0;
    let chunk = "";
    while (size + chunk.length < bytes) {
      const condition =
        i % 2 === 0
          ? `,\n      "Condition": { "ArnLike": { "aws:SourceArn": "arn:aws:sns:us-east-1:210987654321:topic-${i}" } }`
          : "";
      chunk += `${i === 0 ? "" : ",\n"}    {\n      "Sid": "S${i}",\n      "Effect": "Allow",\n      "Principal": { "Service": "sns.amazonaws.com" },\n      "Action": "sqs:SendMessage",\n      "Resource": "arn:aws:sqs:us-east-1:210987654321:queue-${i}"${condition}\n    }`;
      i++;
      if (chunk.length > 1 << 20) {
        put(chunk);
        chunk = "";
      }
    }
    put(`${chunk}\n  ]\n}\n`);
    return i;
  } finally {
    closeSync(fd);
  }
}
