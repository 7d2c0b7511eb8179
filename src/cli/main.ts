#!/usr/bin/env node
import { finish } from './exit.js';
import { processIO } from './io.js';
import { run } from './program.js';

const argv = process.argv.slice(2);
finish(argv, await run(argv, processIO));
