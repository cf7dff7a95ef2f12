import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupMembers, processStart } from '../../../src/common/processes.js';
import { removeLeftovers, tempFolder } from '../../../src/common/runner.js';
import { mainKey, sign } from '../../../src/common/state.js';
import { stateValues } from '../../support/action-runner.js';
import { runnerSandbox } from '../../support/runner-sandbox.js';

describe('temp folders and what a killed main step left', () => {
  const runner = runnerSandbox('leftovers-');
  let dir = '';
  beforeEach(() => {
    dir = runner.dir;
  });
  const state = runner.state;
  const env = () => ({ RUNNER_TEMP: join(runner.dir, 'runner-temp') });

  test('a temp folder is named in the state, private, under RUNNER_TEMP', () => {
    const folder = tempFolder('build-', env());
    expect(folder).toMatch(new RegExp(`^${dir}/runner-temp/build-[0-9a-f]{12}$`));
    expect(JSON.parse(stateValues(state())['temp-folders'])).toContain(folder);
  });

  test('the post step stops the recorded command and removes the folders; nothing else', async () => {
    const folder = tempFolder('build-', env());
    writeFileSync(join(folder, 'secret-0'), 's3cret');
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pid = child.pid!;
    writeFileSync(join(folder, 'buildx.pid'), `${pid} ${processStart(pid)}\n`);
    // A folder outside RUNNER_TEMP named in the state is not touched.
    const outside = mkdtempSync(join(dir, 'elsewhere-'));
    const other = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    mkdirSync(join(dir, 'runner-temp', 'x-0123456789ab'));
    // Another process under a recorded pid (another start time) is not stopped.
    writeFileSync(join(dir, 'runner-temp', 'x-0123456789ab', 'a.pid'), `${other.pid} 1\n`);
    // As is a folder in RUNNER_TEMP that tempFolder does not name so.
    const user = join(dir, 'runner-temp', 'user-files');
    mkdirSync(user);
    const named = [folder, outside, join(dir, 'runner-temp', 'x-0123456789ab'), user, '/'];
    process.env['STATE_temp-folders'] = sign(mainKey(env()), 'temp-folders', JSON.stringify(named));
    try {
      await removeLeftovers(env());
      expect(existsSync(folder)).toBe(false);
      expect(existsSync(join(dir, 'runner-temp', 'x-0123456789ab'))).toBe(false);
      expect(existsSync(outside)).toBe(true);
      expect(existsSync(user)).toBe(true);
      expect(groupMembers(pid)).toEqual([]);
      expect(groupMembers(other.pid!)).toEqual([other.pid]);
    } finally {
      child.kill('SIGKILL');
      other.kill('SIGKILL');
    }
  });

  test('a temp-folders entry its main step did not write removes nothing and is named in one warning', async () => {
    const folder = join(dir, 'runner-temp', 'build-0123456789ab');
    mkdirSync(folder, { recursive: true });
    mainKey(env());
    process.env['STATE_temp-folders'] = JSON.stringify([folder]);
    await removeLeftovers(env());
    expect(existsSync(folder)).toBe(true);
    const printed = runner.printed();
    expect(printed).toBe(
      `::warning::Ignoring the state entry "temp-folders": it was not written by this step's main step\n`
    );
  });
});
