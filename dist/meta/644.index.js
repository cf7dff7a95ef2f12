export const id = 644;
export const ids = [644];
export const modules = {

/***/ 3644:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {

var __webpack_unused_export__;

__webpack_unused_export__ = ({ value: true });
__webpack_unused_export__ = exports.oJ = __webpack_unused_export__ = void 0;
__webpack_unused_export__ = errorLine;
exports.exec = exec;
/**
 * Runs a command and captures its output; a failure carries the command's own last error line.
 * Each child leads its own process group, so that a cancelled step stops the command and whatever it
 * started (`docker` runs `docker-buildx` as a child); only the tail of its output is kept.
 */
const node_child_process_1 = __webpack_require__(1421);
const node_fs_1 = __webpack_require__(3024);
const node_string_decoder_1 = __webpack_require__(6193);
const processes_js_1 = __webpack_require__(4900);
const runner_js_1 = __webpack_require__(1599);
class ExecError extends Error {
    result;
    constructor(message, result) {
        super(message);
        this.result = result;
        this.name = 'ExecError';
    }
}
__webpack_unused_export__ = ExecError;
/** How much of each output stream is kept, in characters: errors need the tail, not a whole build log. */
exports.oJ = 1 << 20;
/**
 * The decoded tail of a byte stream: a streaming decoder keeps a UTF-8 character split between two
 * chunks whole; beyond `limit` characters the head is dropped, at a line break where there is one.
 */
class OutputTail {
    limit;
    decoder = new node_string_decoder_1.StringDecoder('utf8');
    text = '';
    /** Characters dropped from the head. */
    dropped = 0;
    constructor(limit = exports.oJ) {
        this.limit = limit;
    }
    write(chunk) {
        this.keep(this.decoder.write(chunk));
    }
    end() {
        this.keep(this.decoder.end());
        return this.text;
    }
    keep(part) {
        if (!part)
            return;
        this.text += part;
        // Trimmed only once the text is twice the limit, so that a long output is sliced seldom.
        if (this.text.length <= this.limit * 2)
            return;
        let cut = this.text.length - this.limit;
        const line = this.text.indexOf('\n', cut);
        if (line >= 0 && line < this.text.length - 1)
            cut = line + 1;
        else if (/[\uDC00-\uDFFF]/.test(this.text[cut]))
            cut++; // never half a surrogate pair
        this.dropped += cut;
        this.text = this.text.slice(cut);
    }
}
__webpack_unused_export__ = OutputTail;
/** The line that explains a failure: the last `ERROR:`/`error:` line, else the last non-empty one. */
function errorLine(output) {
    const lines = output
        .split(/\r?\n/)
        .map(l => l.trim())
        .filter(Boolean);
    const marked = lines.filter(l => /^(ERROR|error|Error)\b[:\s]/.test(l));
    return (marked.at(-1) ?? lines.at(-1) ?? '').replace(/^#\d+\s+/, '');
}
/** Children running now, by pid: a cancelled step stops their process groups. */
const running = new Map();
let cancelHooked = false;
async function stopRunning() {
    await Promise.all([...running.entries()].map(([pid, closed]) => (0, processes_js_1.stopGroup)(pid, closed)));
}
/** Writes a command's output to the log: at once, or once `hold` settles (nothing if stopped by then). */
function echoer(opts) {
    if (!opts.stream)
        return () => { };
    if (!opts.hold)
        return chunk => void process.stdout.write(chunk);
    let held = [];
    const release = () => {
        const chunks = held ?? [];
        held = undefined;
        if (!opts.signal?.aborted)
            for (const chunk of chunks)
                process.stdout.write(chunk);
    };
    opts.hold.then(release, release);
    return chunk => {
        if (held)
            held.push(chunk);
        else if (!opts.signal?.aborted)
            process.stdout.write(chunk);
    };
}
function exec(command, args, opts = {}) {
    if (!cancelHooked) {
        cancelHooked = true;
        (0, runner_js_1.onCancel)(stopRunning);
    }
    return new Promise((resolve, reject) => {
        const child = (0, node_child_process_1.spawn)(command, args, {
            cwd: opts.cwd,
            env: opts.env ?? process.env,
            stdio: ['pipe', 'pipe', 'pipe'],
            detached: true
        });
        const pid = child.pid;
        let closed = () => { };
        if (pid !== undefined) {
            running.set(pid, new Promise(res => (closed = res)));
            if (opts.pidFile)
                (0, node_fs_1.writeFileSync)(opts.pidFile, `${pid} ${(0, processes_js_1.processStart)(pid)}\n`, { mode: 0o600 });
        }
        // A stop signal stops the group while it runs, never a later one that got the same id.
        const stop = () => {
            if (pid !== undefined && running.has(pid))
                void (0, processes_js_1.stopGroup)(pid, running.get(pid));
        };
        const forget = () => {
            opts.signal?.removeEventListener('abort', stop);
            if (pid === undefined)
                return;
            running.delete(pid);
            if (opts.pidFile)
                (0, node_fs_1.rmSync)(opts.pidFile, { force: true });
            closed();
        };
        const out = new OutputTail();
        const err = new OutputTail();
        const bytes = [];
        const echo = echoer(opts);
        child.stdout.on('data', (chunk) => {
            out.write(chunk);
            if (opts.bytes)
                bytes.push(chunk);
            echo(chunk);
        });
        child.stderr.on('data', (chunk) => {
            err.write(chunk);
            echo(chunk);
        });
        if (opts.signal?.aborted)
            stop();
        else
            opts.signal?.addEventListener('abort', stop, { once: true });
        child.on('error', e => {
            forget();
            reject(new ExecError(`${command}: ${e.message}`, { code: -1, stdout: out.end(), stderr: err.end() }));
        });
        child.on('close', (code, signal) => {
            forget();
            const result = { code: code ?? -1, stdout: out.end(), stderr: err.end() };
            if (opts.bytes)
                result.stdoutBytes = Buffer.concat(bytes);
            if (result.code !== 0 && !opts.allowFailure) {
                const line = errorLine(result.stderr) ||
                    errorLine(result.stdout) ||
                    (signal ? `stopped by ${signal}` : `exit code ${result.code}`);
                reject(new ExecError(`${command} ${args[0] ?? ''} failed: ${line}`.replace(/\s+failed/, ' failed'), result));
            }
            else {
                resolve(result);
            }
        });
        // A command that exits without reading its input must not crash the step with EPIPE.
        child.stdin.on('error', () => { });
        child.stdin.end(opts.input ?? '');
    });
}


/***/ })

};
