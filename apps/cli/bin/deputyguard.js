#!/usr/bin/env node
"use strict";
const { launch } = require("./launch.js");

launch(null).then((code) => {
  process.exitCode = code;
});
