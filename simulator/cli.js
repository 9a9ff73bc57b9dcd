#!/usr/bin/env node
// Entry point spawned by miniprogram-automator's launch(): `cli auto --project P --auto-port N`.
// The simulator is written in TypeScript; tsx compiles it on the fly.
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');

process.on('uncaughtException', (err) => report(err));
process.on('unhandledRejection', (err) => report(err));

function report(err) {
  // stdio is ignored by the automator; keep a trace in the log and surface it as an app exception.
  try {
    fs.appendFileSync(path.join(os.tmpdir(), 'mp-simulator-crash.log'), `[${new Date().toISOString()}] ${err && err.stack || err}\n`);
  } catch (_) { /* ignore */ }
  try {
    require('./runtime/events').reportException(err);
  } catch (_) { /* not loaded yet */ }
}

require('tsx/cjs/api').register();
require('./main.ts').main(process.argv.slice(2)).catch((err) => {
  report(err);
  process.stderr.write(String(err && err.stack || err) + '\n');
  process.exit(1);
});
