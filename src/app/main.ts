#!/usr/bin/env node
/**
 * `npm start`: run the clinsafe GitHub App server. Configuration comes from the environment
 * (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST, REDIS_URL, …) — see README.
 */
import { run } from 'probot';
import { createApp } from './wiring.js';

await run(createApp());
