#!/usr/bin/env node
import { main } from "../dist/main.js";

main(process.argv.slice(2), { defaultCommand: null }).then((code) => {
  process.exitCode = code;
});
