import { execFile } from 'node:child_process';
import { PACKAGE_WHEEL_URL, SERVER_MODULE } from './constants';
import { describeInterpreter, Interpreter } from './interpreter';

/** Why the server cannot be started with an interpreter. */
export type ProblemKind = 'no-interpreter' | 'missing-package' | 'no-server-module' | 'import-error';

export type CheckResult = { ok: true } | { ok: false; kind: ProblemKind; detail: string };

/** What `execFile` reported: enough to tell the cases apart, easy to fake in tests. */
export interface RunOutcome {
    /** Node's error code when the process could not run at all (e.g. `ENOENT`), or the exit status. */
    error?: { code?: string | number | null; message: string };
    stderr: string;
}

/** Sort the outcome of `python -c "import opsc_terms.lsp_server"` into one of the known problems. */
export function classifyImportCheck(outcome: RunOutcome): CheckResult {
    if (outcome.error === undefined) {
        return { ok: true };
    }
    const code = outcome.error.code;
    if (code === 'ENOENT' || code === 'EACCES') {
        return { ok: false, kind: 'no-interpreter', detail: outcome.error.message };
    }
    const stderr = outcome.stderr.trim();
    const lastLine = stderr.split(/\r?\n/).pop() ?? '';
    const missing = /No module named '([^']+)'/.exec(stderr);
    if (missing !== null) {
        const name = missing[1];
        if (name === 'opsc_terms') {
            return { ok: false, kind: 'missing-package', detail: lastLine };
        }
        if (name === SERVER_MODULE) {
            return { ok: false, kind: 'no-server-module', detail: lastLine };
        }
    }
    // The whole traceback goes into the detail: the log is where it gets read.
    return { ok: false, kind: 'import-error', detail: stderr || outcome.error.message };
}

/** Run the import check with a time limit; the server is only started when it passes. */
export function checkServerImportable(command: string, timeoutMs = 60_000): Promise<CheckResult> {
    return new Promise((resolve) => {
        execFile(
            command,
            ['-c', `import ${SERVER_MODULE}`],
            { timeout: timeoutMs, windowsHide: true },
            (error, _stdout, stderr) => {
                const outcome: RunOutcome = { stderr: String(stderr) };
                if (error !== null) {
                    outcome.error = { code: error.code ?? null, message: error.message };
                }
                resolve(classifyImportCheck(outcome));
            },
        );
    });
}

/** Quote an argument for a copy-pasteable shell command (POSIX shells and PowerShell alike). */
function shellQuote(argument: string): string {
    return /^[\w@%+=:,./\\-]+$/.test(argument) ? argument : `"${argument.replace(/(["$`\\])/g, '\\$1')}"`;
}

/** The command that installs (or upgrades) the server into this interpreter: the release's wheel. */
export function installCommand(interpreter: Interpreter, upgrade = false): string {
    const flags = upgrade ? ' --upgrade' : '';
    return `${shellQuote(interpreter.command)} -m pip install${flags} ${PACKAGE_WHEEL_URL}`;
}

export interface ProblemMessage {
    /** One paragraph for a notification. */
    message: string;
    /** A command to copy, when installing would fix it. */
    install?: string;
}

/** The text shown when the server cannot start, naming the interpreter and what to do. */
export function problemMessage(interpreter: Interpreter, result: Exclude<CheckResult, { ok: true }>): ProblemMessage {
    const where = describeInterpreter(interpreter);
    switch (result.kind) {
        case 'no-interpreter':
            return {
                message:
                    `opsc-terms could not run the Python interpreter ${where}. ` +
                    'Choose an interpreter that has opsc-terms installed.',
            };
        case 'missing-package': {
            const install = installCommand(interpreter);
            return {
                message:
                    `opsc-terms is not installed for the Python interpreter ${where}. ` +
                    `Install it with: ${install} (or choose another interpreter).`,
                install,
            };
        }
        case 'no-server-module': {
            const install = installCommand(interpreter, true);
            return {
                message:
                    `The opsc-terms installed for ${where} has no language server (${SERVER_MODULE}). ` +
                    `Upgrade it with: ${install}`,
                install,
            };
        }
        case 'import-error': {
            const lastLine = result.detail.trim().split(/\r?\n/).pop();
            return {
                message:
                    `The opsc-terms language server failed to load in ${where}: ${lastLine}. ` +
                    'See the output for details.',
            };
        }
    }
}
