#!/usr/bin/env node
"use strict";
const { launch } = require("./launch.js");

launch("scan").then((code) => {
  process.exitCode = code;
});
