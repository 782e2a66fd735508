#!/usr/bin/env node
// `pnpm sparkify …`; see launch.js for why this is a binary and not a package.json script.
import { launch } from './launch.js';

await launch(undefined);
