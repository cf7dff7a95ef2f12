// Preloaded into a step's node (NODE_OPTIONS=--import): prints the process's peak memory on exit.
import { writeSync } from 'node:fs';

process.on('exit', () => writeSync(2, `\nmax-rss-kib ${process.resourceUsage().maxRSS}\n`));
