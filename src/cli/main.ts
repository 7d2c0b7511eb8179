#!/usr/bin/env node
import { finish, processIO } from './io.js';
import { run } from './program.js';

finish(process.argv.slice(2), await run(process.argv.slice(2), processIO));
