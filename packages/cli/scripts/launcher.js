#!/usr/bin/env node
// The CLI's entry point (bundle/sparkify.js, written by bundle.mjs from this file): it runs the bundled CLI
// (sparkify.cjs beside it) from V8's code cache. Node 20 has no compile cache of its own, and parsing and compiling
// the 1.7 MB bundle was a third of every start (0.08 s of a `--version` that took 0.25 s). The first run of a build
// compiles as usual and, as it exits, leaves the compiled code beside the bundle (the functions that run included);
// later runs take it from there. The cache is named by the bundle's content hash and Node's version; V8 refuses
// one made under other flags, and then the code is compiled and the cache made anew. Where the folder cannot be
// written (a read-only install), nothing is cached and nothing fails.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

// Replaced by bundle.mjs with the first 16 hex digits of sparkify.cjs's SHA-256.
const build = '__BUNDLE_HASH__';
const folder = dirname(fileURLToPath(import.meta.url));
const bundle = join(folder, 'sparkify.cjs');
const cacheFile = join(folder, `sparkify.cjs.${build}.${process.version}-${process.arch}.v8cache`);

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const source = readFileSync(bundle, 'utf8').replace(/^#!.*/, '');
// No importModuleDynamically: on Node 20 a script run from cached data loses it, so the bundle has no import()
// (bundle.mjs turns them into require()).
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
    } catch {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // Nothing was cached; the next run compiles again.
      }
    }
  });
}
// The bundle's lazy chunks (Redshift sign-in, infra) require('./sparkify.cjs') for the code they share: Node's
// loader must find this very instance in its cache, or it would run the whole CLI a second time.
const require = createRequire(bundle);
const module = new Module(bundle);
module.filename = bundle;
require.cache[bundle] = module;
script.runInThisContext().call(module.exports, module.exports, require, module, bundle, folder);
module.loaded = true;
