#!/usr/bin/env node
// `pnpm load …` is `sparkify load …`; see launch.js for why this is a binary and not a package.json script.
import { launch } from './launch.js';

await launch('load');
