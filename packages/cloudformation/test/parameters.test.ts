import { describe, expect, it } from "vitest";
import { parseParameterArgument, parseParametersFile } from "../src/index.js";

describe("--parameters file.json and --parameter Key=Value", () => {
  it.each([
    [
      '[{"ParameterKey": "Env", "ParameterValue": "prod"}, {"ParameterKey": "Ids", "ParameterValue": ["a", "b"]}]',
    ],
    ['{"Parameters": {"Env": "prod", "Ids": ["a", "b"]}}'],
    ['{"Env": "prod", "Ids": "a,b"}'],
  ])("reads %s", (text) => {
    expect({ ...parseParametersFile(text, "p.json") }).toEqual({ Env: "prod", Ids: "a,b" });
  });

  it("says where a bad file is wrong", () => {
    expect(() => parseParametersFile('[{"ParameterKey": "Env"}]', "p.json")).toThrow(
      /p.json: parameter Env has no ParameterValue/,
    );
    expect(() => parseParametersFile("{", "p.json")).toThrowError(
      expect.objectContaining({ code: "ConfigError", line: 1 }),
    );
  });

  it("splits Key=Value at the first =", () => {
    expect(parseParameterArgument("Filter=a=b")).toEqual(["Filter", "a=b"]);
    expect(() => parseParameterArgument("novalue")).toThrow(/Key=Value/);
  });
});
