#!/usr/bin/env node
// `pnpm demo …` is `sparkify demo …`; see launch.js for why this is a binary and not a package.json script.
import { launch } from './launch.js';

await launch('demo');
