#!/usr/bin/env node
import { main } from "../dist/main.js";

main(process.argv.slice(2), { defaultCommand: "scan" }).then((code) => {
  process.exitCode = code;
});
