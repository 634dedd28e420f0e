#!/usr/bin/env node
import { launch } from "./launch.js";

launch("scan").then((code) => {
  process.exitCode = code;
});
