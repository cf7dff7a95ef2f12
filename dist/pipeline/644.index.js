export const id = 644;
export const ids = [644];
export const modules = {

/***/ 3644:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {

var __webpack_unused_export__;

__webpack_unused_export__ = ({ value: true });
__webpack_unused_export__ = void 0;
__webpack_unused_export__ = errorLine;
exports.exec = exec;
/** Runs a command and captures its output; a failure carries the command's own last error line. */
const node_child_process_1 = __webpack_require__(1421);
class ExecError extends Error {
    result;
    constructor(message, result) {
        super(message);
        this.result = result;
        this.name = 'ExecError';
    }
}
__webpack_unused_export__ = ExecError;
/** The line that explains a failure: the last `ERROR:`/`error:` line, else the last non-empty one. */
function errorLine(output) {
    const lines = output
        .split(/\r?\n/)
        .map(l => l.trim())
        .filter(Boolean);
    const marked = lines.filter(l => /^(ERROR|error|Error)\b[:\s]/.test(l));
    return (marked.at(-1) ?? lines.at(-1) ?? '').replace(/^#\d+\s+/, '');
}
function exec(command, args, opts = {}) {
    return new Promise((resolve, reject) => {
        const child = (0, node_child_process_1.spawn)(command, args, {
            cwd: opts.cwd,
            env: opts.env ?? process.env,
            stdio: ['pipe', 'pipe', 'pipe']
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => {
            stdout += chunk;
            if (opts.stream)
                process.stdout.write(chunk);
        });
        child.stderr.on('data', (chunk) => {
            stderr += chunk;
            if (opts.stream)
                process.stdout.write(chunk);
        });
        child.on('error', err => reject(new ExecError(`${command}: ${err.message}`, { code: -1, stdout, stderr })));
        child.on('close', code => {
            const result = { code: code ?? -1, stdout, stderr };
            if (result.code !== 0 && !opts.allowFailure) {
                const line = errorLine(stderr) || errorLine(stdout) || `exit code ${result.code}`;
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
