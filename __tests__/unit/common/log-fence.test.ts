import { exec } from '../../../src/common/exec.js';
import { fenced, LineBuffer, needsFence } from '../../../src/common/log-fence.js';
import { error, info, setSecret, warning, writeLog } from '../../../src/common/runner.js';
import { ownCommands, readRunnerLog, type RunnerLog } from '../../support/runner-commands.js';
import { captureStdout } from '../../support/runner-sandbox.js';

/** What `fn` writes to stdout. */
async function captured(fn: () => unknown): Promise<string> {
  return (await captureStdout(fn)).printed;
}

const names = (log: RunnerLog) => ownCommands(log).map(c => c.command);

/** Values a label, an annotation, a description, a RUN step or a registry's answer can carry. */
const HOSTILE = [
  '##[stop-commands]x',
  '::stop-commands::x',
  '##[set-output name=digest;]x',
  '::add-mask::',
  '::add-mask::hostile-mask',
  '##[save-state name=login;]x',
  '::error::injected',
  '  ::warning::indented',
  '\u0085::warning::after a NEL, white space to the runner only',
  '\u00a0::notice::after a no-break space',
  'text\r::set-env name=A::b',
  'text\n##[add-path]/tmp/evil',
  '::group::x',
  'before ##[endgroup]',
  '::stop-commands::abcdefgh\n::add-mask::inside\n::abcdefgh::\n::set-output name=a::b',
  '##[ERROR]upper case',
  '::%0A::add-mask::x'
];

describe('the runner reads no command in text the step did not write', () => {
  test.each(HOSTILE.map((h, n) => [h, n] as const))(
    '%j through info(), then the step masks a secret and reports an error',
    async (hostile, n) => {
      // A value is masked once per process: each case masks its own.
      const secret = `sekret-after-the-label-${n}`;
      const out = await captured(() => {
        info(`org.opencontainers.image.title=${hostile}`);
        info(hostile);
        setSecret(secret);
        warning(`label: ${hostile}`);
        error(`failed: ${hostile}`);
      });
      const log = readRunnerLog(out);
      expect(names(log)).toEqual(['add-mask', 'warning', 'error']);
      const own = ownCommands(log);
      expect(own[0].data).toBe(secret);
      expect(log.masks).toContain(secret);
      expect(own[1].data).toBe(`label: ${hostile}`);
      expect(own[2].data).toBe(`failed: ${hostile}`);
      // The text itself is still in the log, as text.
      const shown = log.text.join('\n');
      for (const part of hostile.split(/\r|\n/)) expect(shown).toContain(part);
    }
  );

  /** What the runner reads in each value written raw at the start of a line. */
  test.each([
    ['##[stop-commands]x', 'stop-commands'],
    ['::stop-commands::x', 'stop-commands'],
    ['##[set-output name=digest;]x', 'set-output'],
    ['::add-mask::hostile-mask', 'add-mask'],
    ['##[save-state name=login;]x', 'save-state'],
    ['::error::injected', 'error'],
    ['  ::warning::indented', 'warning'],
    ['\u0085::warning::after a NEL', 'warning'],
    ['\u00a0::notice::after a no-break space', 'notice'],
    ['text\r::set-env name=A::b', 'set-env'],
    ['before ##[endgroup]', 'endgroup'],
    ['##[ERROR]upper case', 'ERROR'],
    ['::%0A::add-mask::x', undefined],
    ['title=::error::not at the start', undefined]
  ])('written raw, %j is read as %s', (hostile, command) => {
    const log = readRunnerLog(`${hostile}\n`);
    expect(log.commands[0]?.command).toBe(command);
  });

  test('stopped by a value, the runner ignores the masks that follow', () => {
    const log = readRunnerLog('title=##[stop-commands]x\n::add-mask::sekret\nsekret\n');
    expect(log.masks).toEqual([]);
    expect(log.text).toContain('sekret');
    expect(() => ownCommands(log)).toThrow('the log ends stopped (token x)');
  });

  test('inert text is written as it is; other text between a stop and its resume, in one write', async () => {
    const { writes } = await captureStdout(() => {
      info('Logging in to ghcr.io as mona: 12:00');
      info('a ::b');
      writeLog(Buffer.from('#5 ##[x]\n'));
    });
    expect(writes[0]).toBe('Logging in to ghcr.io as mona: 12:00\n');
    expect(writes[1]).toMatch(/^::stop-commands::([0-9a-f]{32})\na ::b\n::\1::\n$/);
    expect(writes[2]).toMatch(/^::stop-commands::([0-9a-f]{32})\n#5 ##\[x\]\n::\1::\n$/);
    expect(writes[1].slice(17, 49)).not.toBe(writes[2].slice(17, 49));
  });

  test('a fence never uses a token the text holds, and always ends its text with a line break', () => {
    expect(fenced('a::b', 'tok')).toBe('::stop-commands::tok\na::b\n::tok::\n');
    expect(fenced('a::b\r', 'tok')).toBe('::stop-commands::tok\na::b\r::tok::\n');
    expect(fenced('plain')).toBe('plain\n');
    expect(fenced('')).toBe('');
    const text = 'mentions ::tok:: and tok';
    const out = fenced(text, 'tok');
    expect(out.startsWith('::stop-commands::tok\n')).toBe(false);
    expect(ownCommands(readRunnerLog(out))).toEqual([]);
  });

  test.each([
    ['plain text', false],
    ['ghcr.io/o/r:1.2.3 built at 12:00:00', false],
    ['##[', true],
    ['a::', true],
    ['#[x] ::', true],
    ['# [x]', false]
  ])('needsFence(%j) is %s, for text and bytes alike', (text, expected) => {
    expect(needsFence(text)).toBe(expected);
    expect(needsFence(Buffer.from(text))).toBe(expected);
  });
});

describe('multi-line secrets', () => {
  test('are masked whole and line by line, trimmed; short lines are left to the runner', async () => {
    const key = '{\n  "type": "service_account",\n  "private_key": "-----BEGIN KEY-----\\nMIIE\\n"\n}';
    const log = readRunnerLog(await captured(() => setSecret(key)));
    expect(ownCommands(log).map(c => c.data)).toEqual([
      key,
      '"type": "service_account",',
      '"private_key": "-----BEGIN KEY-----\\nMIIE\\n"'
    ]);
  });
});

describe('whole lines from a byte stream', () => {
  test('a partial line waits for its end; lines come out whole', () => {
    const lines = new LineBuffer();
    expect(lines.write(Buffer.from('##[set-'))).toBeUndefined();
    expect(lines.write(Buffer.from('output name=a;]b\nnext'))?.toString()).toBe('##[set-output name=a;]b\n');
    expect(lines.write(Buffer.from(' part\r\nlast'))?.toString()).toBe('next part\r\n');
    expect(lines.end()?.toString()).toBe('last\n');
    expect(lines.end()).toBeUndefined();
  });

  test('a line longer than the limit is let out at a character boundary', () => {
    const lines = new LineBuffer(8);
    expect(lines.write(Buffer.from('abcdef'))).toBeUndefined();
    const out = lines.write(Buffer.from('g🐳'))!; // 7 + 4 bytes, the whale's last byte missing
    expect(out.toString()).toBe('abcdefg🐳\n');
    const cut = new LineBuffer(4).write(Buffer.from('abcd🐳').subarray(0, 7))!;
    expect(cut.toString()).toBe('abcd\n');
  });
});

describe("a command's streamed output", () => {
  const script = [
    'const w = s => process.stdout.write(s);',
    "w('step 1\\n##[set-');",
    "setTimeout(() => { w('output name=digest;]x\\n::add-mask::\\n'); process.stderr.write('::save-state name=login::x\\n'); }, 50);",
    "setTimeout(() => { w('##[save-state name=login;]x\\nplain\\nno line break'); }, 100);"
  ].join('\n');

  test('is fenced where the runner could read a command, and comes out whole', async () => {
    const out = await captured(() => exec(process.execPath, ['-e', script], { stream: true }));
    const log = readRunnerLog(out);
    expect(ownCommands(log)).toEqual([]);
    expect(log.text).toEqual(
      expect.arrayContaining([
        'step 1',
        '##[set-output name=digest;]x',
        '::add-mask::',
        '::save-state name=login::x',
        '##[save-state name=login;]x',
        'plain',
        'no line break'
      ])
    );
    expect(log.text.filter(l => !/^::stop-commands::|^::[0-9a-f]{32}::$/.test(l))).toHaveLength(7);
  });

  test('held until the hold settles, then let out fenced', async () => {
    let release: () => void = () => {};
    const hold = new Promise<void>(res => (release = res));
    const out = await captured(async () => {
      const running = exec(process.execPath, ['-e', script], { stream: true, hold });
      await new Promise(res => setTimeout(res, 300));
      release();
      await running;
    });
    expect(ownCommands(readRunnerLog(out))).toEqual([]);
    expect(out).toContain('##[set-output name=digest;]x\n');
  });
});
