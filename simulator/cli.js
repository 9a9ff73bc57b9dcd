#!/usr/bin/env node
// Entry point spawned by miniprogram-automator's launch(): `cli auto --project P --auto-port N`.
// The simulator is written in TypeScript; tsx compiles it on the fly.
'use strict';
const path = require('path');
const fs = require('fs');

process.on('uncaughtException', (err) => report(err));
process.on('unhandledRejection', (err) => report(err));

function report(err) {
  // stdio is ignored by the automator; keep a trace in the log (see log-file.ts, which may not be
  // loaded yet) and surface it as an app exception.
  try {
    const dir = process.env.LOG_DIR || path.join(__dirname, '..', '.data', 'logs');
    fs.mkdirSync(dir, { recursive: true });
    fs.appendFileSync(path.join(dir, 'simulator-crash.log'), `[${new Date().toISOString()}] [${process.pid}] ${err && err.stack || err}\n`);
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
