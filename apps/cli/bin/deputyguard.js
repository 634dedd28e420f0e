#!/usr/bin/env node
import { launch } from "./launch.js";

launch(null).then((code) => {
  process.exitCode = code;
});
