#!/usr/bin/env node
// `pnpm migrate …` is `sparkify migrate …`; see launch.js for why this is a binary and not a package.json script.
import { launch } from './launch.js';

await launch('migrate');
