// Runs an action script with its own /etc/hosts: started by `unshare -m` (a private mount
// namespace), it bind-mounts the given hosts file over /etc/hosts, then loads the script in this
// process. Node rather than a shell, because shells drop variables such as INPUT_REGISTRY-AUTH.
// Usage: unshare -m --propagation private node with-hosts.mjs HOSTS_FILE SCRIPT
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [hostsFile, script] = process.argv.slice(2);
execFileSync('mount', ['--bind', hostsFile, '/etc/hosts']);
process.argv.splice(1, 3, resolve(script));
await import(pathToFileURL(resolve(script)).href);
