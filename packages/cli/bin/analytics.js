#!/usr/bin/env node
// `pnpm analytics …` is `sparkify analytics …`; see launch.js for why this is a binary and not a package.json script.
import { launch } from './launch.js';

await launch('analytics');
