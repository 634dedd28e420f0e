// aws:CurrentTime and aws:EpochTime are in every request, and a request to come is not in the past.
// From the session-8 fuzzing: a Deny from a past date (`DateGreaterThan aws:CurrentTime 2020`) was
// escaped by a witness without the key, and an Allow that expired in 2020 was reported open.
import { describe, expect, it } from "vitest";
import { type Condition, queueAccess, snsToQueue } from "./helpers/access.js";

const access = (condition: Condition) => queueAccess(snsToQueue(condition)).access;

describe("the time of a request", () => {
  it("an Allow that expired is closed; one that started, or ends far ahead, is open", () => {
    expect(access({ DateLessThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } })).toEqual([]);
    expect(access({ NumericLessThan: { "aws:EpochTime": "1000" } })).toEqual([]);
    const open: Condition[] = [
      { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } },
      { DateLessThan: { "aws:CurrentTime": "2999-01-01T00:00:00Z" } },
      { NumericGreaterThan: { "aws:EpochTime": "1000" } },
    ];
    for (const c of open) {
      const found = access(c);
      expect(
        found.map((f) => f.ruleId),
        JSON.stringify(c),
      ).toEqual(["CD101"]);
      const w = found[0]?.witness?.context ?? {};
      const t = w["aws:CurrentTime"] ?? w["aws:EpochTime"];
      expect(t, "the witness carries the time").toBeDefined();
    }
  });
});
