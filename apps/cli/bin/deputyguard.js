#!/usr/bin/env node
import { main } from "../dist/bundle.mjs";

main(process.argv.slice(2), { defaultCommand: null }).then((code) => {
  process.exitCode = code;
});
