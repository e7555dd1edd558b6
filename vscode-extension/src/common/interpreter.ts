import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PYTHON_EXTENSION_ID } from './constants';

/** Where the interpreter came from, so messages can say which knob to turn. */
export type InterpreterSource = 'python-extension' | 'setting' | 'path';

export interface Interpreter {
    /** The executable to run (a path, or a bare name looked up on PATH). */
    command: string;
    source: InterpreterSource;
}

/**
 * The few members of the Python extension's API that are used here
 * (`ms-python.python`, `api.environments`).
 */
export interface PythonEnvironmentsApi {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment(
        environment: { id: string; path: string } | string,
    ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
}

interface PythonExtensionExports {
    environments?: PythonEnvironmentsApi;
}

/** The bare interpreter name looked up on PATH when nothing else is configured. */
export function defaultPythonCommand(platform: NodeJS.Platform = process.platform): string {
    return platform === 'win32' ? 'python' : 'python3';
}

/**
 * Expand what people write in the `interpreter` setting: `${workspaceFolder}`,
 * `${userHome}`, `~/` and paths relative to the workspace folder.
 */
export function expandInterpreterSetting(value: string, workspaceFolder: string | undefined, home = os.homedir()): string {
    let expanded = value.trim();
    if (expanded === '') {
        return '';
    }
    expanded = expanded.replace(/\$\{userHome\}/g, home);
    if (workspaceFolder !== undefined) {
        expanded = expanded.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
    }
    if (expanded === '~' || expanded.startsWith('~/')) {
        expanded = path.join(home, expanded.slice(1));
    }
    const looksLikePath = expanded.includes('/') || expanded.includes('\\');
    if (looksLikePath && !path.isAbsolute(expanded) && workspaceFolder !== undefined) {
        expanded = path.resolve(workspaceFolder, expanded);
    }
    return expanded;
}

/** The Python extension's environments API, or undefined when it is not installed. */
export async function pythonEnvironmentsApi(): Promise<PythonEnvironmentsApi | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtensionExports>(PYTHON_EXTENSION_ID);
    if (extension === undefined) {
        return undefined;
    }
    try {
        const api = extension.isActive ? extension.exports : await extension.activate();
        return api?.environments;
    } catch {
        return undefined;
    }
}

async function fromPythonExtension(api: PythonEnvironmentsApi, resource: vscode.Uri | undefined): Promise<string | undefined> {
    try {
        const active = api.getActiveEnvironmentPath(resource);
        const resolved = await api.resolveEnvironment(active);
        return resolved?.executable.uri?.fsPath ?? (active.path || undefined);
    } catch {
        return undefined;
    }
}

export interface ResolveOptions {
    /** The raw `opscTerms.interpreter` setting. */
    setting: string;
    /** The Python extension's API, when it is installed. */
    pythonApi?: PythonEnvironmentsApi;
    /** The document or workspace folder the interpreter is for. */
    resource?: vscode.Uri;
    workspaceFolder?: string;
    platform?: NodeJS.Platform;
}

/**
 * Choose the interpreter that runs the server, in this order: the environment
 * selected in the Python extension, the `opscTerms.interpreter` setting, then
 * `python3` (`python` on Windows) on PATH.
 */
export async function resolveInterpreter(options: ResolveOptions): Promise<Interpreter> {
    if (options.pythonApi !== undefined) {
        const command = await fromPythonExtension(options.pythonApi, options.resource);
        if (command !== undefined) {
            return { command, source: 'python-extension' };
        }
    }
    const fromSetting = expandInterpreterSetting(options.setting, options.workspaceFolder);
    if (fromSetting !== '') {
        return { command: fromSetting, source: 'setting' };
    }
    return { command: defaultPythonCommand(options.platform), source: 'path' };
}

/** A sentence naming where the interpreter came from, for messages and the log. */
export function describeInterpreter(interpreter: Interpreter): string {
    switch (interpreter.source) {
        case 'python-extension':
            return `${interpreter.command} (selected in the Python extension)`;
        case 'setting':
            return `${interpreter.command} (from the opscTerms.interpreter setting)`;
        case 'path':
            return `${interpreter.command} (looked up on PATH)`;
    }
}
