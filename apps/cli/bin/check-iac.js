#!/usr/bin/env node
import { main } from "../dist/bundle.mjs";

main(process.argv.slice(2), { defaultCommand: "scan" }).then((code) => {
  process.exitCode = code;
});
